import tiktoken

MODEL = "gpt-4o"
enc = tiktoken.encoding_for_model("gpt-4")


def count(text):
    return len(enc.encode(text))
