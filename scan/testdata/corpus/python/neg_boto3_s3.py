import boto3

s3 = boto3.client("s3", region_name="eu-west-1")
table = boto3.resource("dynamodb", region_name="eu-west-1").Table("claims")
