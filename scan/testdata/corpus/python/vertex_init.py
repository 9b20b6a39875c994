import vertexai
from vertexai.generative_models import GenerativeModel

vertexai.init(project="claims-prod", location="europe-west4")

model = GenerativeModel("gemini-1.5-pro")
print(model.generate_content("Which documents are missing?").text)
