package main

import "github.com/tmc/langchaingo/llms/ollama"

func main() {
	llm, err := ollama.New(ollama.WithModel("llama3"))
	_, _ = llm, err
}
