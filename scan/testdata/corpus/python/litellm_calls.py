import litellm

r1 = litellm.completion(model="bedrock/anthropic.claude-3-sonnet-20240229-v1:0", messages=[])
r2 = litellm.completion(model="azure/gpt-4o", api_base="https://x.example", messages=[])
r3 = litellm.completion(
    model="ollama/llama3",
    api_base="http://localhost:11434",
    messages=[],
)
r4 = litellm.completion(model="gpt-4o", messages=[])
