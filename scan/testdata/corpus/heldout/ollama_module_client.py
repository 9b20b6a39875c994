import ollama

client = ollama.Client()
print(client.generate(model="llama2", prompt="what is python?"))
