import os
from huggingface_hub import InferenceClient

hf = InferenceClient(model="meta-llama/Llama-3.1-8B-Instruct", token=os.environ["HF_TOKEN"])
print(hf.text_generation("Once upon a time", max_new_tokens=20))
