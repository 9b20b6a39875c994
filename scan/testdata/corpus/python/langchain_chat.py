from langchain_openai import ChatOpenAI, AzureChatOpenAI
from langchain_anthropic import ChatAnthropic

drafting = ChatOpenAI(model="gpt-4o-mini", temperature=0)
review = AzureChatOpenAI(azure_deployment="gpt-4o", api_version="2024-10-21")
fallback = ChatAnthropic(model="claude-3-5-haiku-latest")
