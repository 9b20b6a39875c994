from openai import OpenAI

client = OpenAI(base_url="http://vllm:8000/v1", api_key="EMPTY")
