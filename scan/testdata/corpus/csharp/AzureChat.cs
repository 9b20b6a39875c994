using Azure;
using Azure.AI.OpenAI;
using OpenAI.Chat;

var endpoint = Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT");
var key = Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY");
AzureOpenAIClient azure = new AzureOpenAIClient(new Uri(endpoint), new AzureKeyCredential(key));
ChatClient chat = azure.GetChatClient("gpt-4o");
