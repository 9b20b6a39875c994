from llama_index.llms.openai import OpenAI
from llama_index.llms.ollama import Ollama

cloud_llm = OpenAI(model="gpt-4o")
local_llm = Ollama(model="llama3", request_timeout=60.0)
