import os
from mistralai.client import MistralClient

client = MistralClient(api_key=os.environ["MISTRAL_API_KEY"])
