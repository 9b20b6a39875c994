import mistralai


def make(api_key):
    return mistralai.Mistral(api_key=api_key)
