from google.cloud import aiplatform as aip

REGION = "europe-west1"
aip.init(project="churn", location=REGION)
endpoint = aip.Endpoint("1234")
