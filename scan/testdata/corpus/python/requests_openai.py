import os
import requests

headers = {"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]}
r = requests.post("https://api.openai.com/v1/chat/completions", headers=headers, json={})
