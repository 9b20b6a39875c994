import ollama

reply = ollama.chat(model="llama3", messages=[{"role": "user", "content": "Why is the sky blue?"}])
