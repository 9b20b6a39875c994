package llm

import (
	"os"

	"github.com/openai/openai-go"
	"github.com/openai/openai-go/option"
)

func New() openai.Client {
	return openai.NewClient(option.WithAPIKey(os.Getenv("OPENAI_API_KEY")))
}
