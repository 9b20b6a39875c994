from ollama import Client

client = Client(host='http://localhost:11434')
reply = client.chat(model='llama3', messages=[{'role': 'user', 'content': 'hi'}])
