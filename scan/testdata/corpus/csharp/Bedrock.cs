using Amazon;
using Amazon.BedrockRuntime;
using Amazon.BedrockRuntime.Model;

var client = new AmazonBedrockRuntimeClient(RegionEndpoint.EUCentral1);
var response = await client.ConverseAsync(new ConverseRequest { ModelId = "amazon.nova-micro-v1:0" });
