from huggingface_hub import InferenceClient

# a TGI container started next to the app
client = InferenceClient("http://127.0.0.1:8080")
print(client.text_generation("ping"))
