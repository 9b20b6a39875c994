"""The HR chatbot: answers employees' questions about their contracts."""
import os

import boto3
from openai import AzureOpenAI

chat = AzureOpenAI(
    api_version="2024-06-01",
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
)

# Summaries of long documents go to Claude on Bedrock, in Frankfurt.
summaries = boto3.client("bedrock-runtime", region_name="eu-central-1")
