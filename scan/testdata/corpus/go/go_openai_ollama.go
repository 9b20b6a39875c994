package llm

import openai "github.com/sashabaranov/go-openai"

func Local() *openai.Client {
	config := openai.DefaultConfig("")
	config.BaseURL = "http://localhost:11434/v1"
	return openai.NewClientWithConfig(config)
}
