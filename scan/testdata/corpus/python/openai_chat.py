from openai import OpenAI

client = OpenAI()


def summarise(text: str) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Summarise: " + text}],
    )
    return reply.choices[0].message.content
