package llm

import (
	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
)

func Claude(key string) anthropic.Client {
	return anthropic.NewClient(option.WithAPIKey(key))
}
