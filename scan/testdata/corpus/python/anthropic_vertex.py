import os
from anthropic import AnthropicVertex

LOCATION = "europe-west1"
PROJECT = os.environ.get("GCP_PROJECT")

client = AnthropicVertex(region=LOCATION, project_id=PROJECT)
