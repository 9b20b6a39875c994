from openai import AzureOpenAI

TICKET_BOT = AzureOpenAI(
    api_version="2024-02-01",
    # the resource of the support team
    azure_endpoint="https://support-bot-weu.openai.azure.com",
)
