from openai import OpenAI, OpenAIError

# client = OpenAI()  -- disabled until the contract is signed


def run(client: OpenAI) -> str:
    if not isinstance(client, OpenAI):
        raise TypeError("need a client")
    try:
        return "ok"
    except OpenAIError as err:
        return str(err)
