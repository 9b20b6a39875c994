import os
import boto3

# the default below is only used when the variable is unset
bedrock = boto3.client("bedrock-runtime", region_name=os.environ.get("AWS_REGION", "us-east-1"))
