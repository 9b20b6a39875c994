import openai

openai.api_type = "azure"
openai.api_base = "https://contoso-legacy.openai.azure.com/"
openai.api_version = "2023-05-15"

reply = openai.ChatCompletion.create(engine="gpt-35-turbo", messages=[])
