import os
from mistralai import Mistral

client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])
reply = client.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": "Bonjour"}])
