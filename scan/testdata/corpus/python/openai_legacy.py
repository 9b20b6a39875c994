import os
import openai

openai.api_key = os.getenv("OPENAI_API_KEY")


def ask(question):
    answer = openai.ChatCompletion.create(
        model="gpt-3.5-turbo",
        messages=[{"role": "user", "content": question}],
    )
    return answer["choices"][0]["message"]["content"]
