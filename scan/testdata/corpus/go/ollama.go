package llm

import "github.com/ollama/ollama/api"

func Local() (*api.Client, error) {
	return api.ClientFromEnvironment()
}
