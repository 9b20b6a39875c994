using Microsoft.SemanticKernel;

var builder = Kernel.CreateBuilder();
builder.AddAzureOpenAIChatCompletion(deploymentName: "gpt-4o", endpoint: "https://contoso-sk.openai.azure.com/", apiKey: key);
builder.AddOllamaChatCompletion("llama3", new Uri("http://localhost:11434"));
var kernel = builder.Build();
