import boto3

bedrock = boto3.client(
    service_name='bedrock-runtime',
    region_name='us-east-1'
)

response = bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=[])
