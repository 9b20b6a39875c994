package llm

import openai "github.com/sashabaranov/go-openai"

func Azure(key string) *openai.Client {
	config := openai.DefaultAzureConfig(key, "https://fabrikam-hr.openai.azure.com/")
	return openai.NewClientWithConfig(config)
}
