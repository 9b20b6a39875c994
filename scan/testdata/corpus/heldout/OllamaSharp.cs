using OllamaSharp;

var ollama = new OllamaApiClient(new Uri("http://localhost:11434"));
