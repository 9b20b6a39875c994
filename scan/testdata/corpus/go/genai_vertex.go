package llm

import (
	"context"

	"google.golang.org/genai"
)

func Gemini(ctx context.Context, project string) (*genai.Client, error) {
	return genai.NewClient(ctx, &genai.ClientConfig{
		Project:  project,
		Location: "europe-west4",
		Backend:  genai.BackendVertexAI,
	})
}
