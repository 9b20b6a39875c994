"""Helpers for prompts.

The production service calls OpenAI() through https://api.openai.com, but
this module only formats text.
"""

HINT = "Create the client with OpenAI() before calling."


def fmt(prompt):
    return prompt.strip()
