import json
import boto3

runtime = boto3.client("bedrock-runtime", region_name="eu-central-1")

payload = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 300,
           "messages": [{"role": "user", "content": "Classify this claim"}]}
out = runtime.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps(payload))
