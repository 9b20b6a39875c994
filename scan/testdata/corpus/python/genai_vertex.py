from google import genai

client = genai.Client(
    vertexai=True,
    project="discharge-letters",
    location="asia-northeast1",
)
resp = client.models.generate_content(model="gemini-2.5-flash", contents="Summarise the stay")
