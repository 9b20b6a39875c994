openai_client = None  # set in main()
anthropic_model = "claude-3-5-sonnet"


def get_client():
    return openai_client
