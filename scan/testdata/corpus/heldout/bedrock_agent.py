import boto3

agents = boto3.client('bedrock-agent-runtime', region_name='eu-central-1')
