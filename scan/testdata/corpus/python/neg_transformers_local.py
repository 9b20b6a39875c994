from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

name = "mistralai/Mistral-7B-Instruct-v0.2"
tokenizer = AutoTokenizer.from_pretrained("CohereForAI/c4ai-command-r7b-12-2024")
model = AutoModelForCausalLM.from_pretrained(name)
generate = pipeline("text-generation", model=model, tokenizer=tokenizer)
