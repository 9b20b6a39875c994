import boto3

REGION = "eu-west-3"

session = boto3.Session(region_name=REGION)
llm = session.client("bedrock-runtime")
