import boto3

client = boto3.client("bedrock-runtime")
