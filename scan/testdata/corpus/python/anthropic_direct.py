import anthropic

claude = anthropic.Anthropic()
message = claude.messages.create(model="claude-3-5-sonnet-latest", max_tokens=512,
                                 messages=[{"role": "user", "content": "Draft a reply"}])
