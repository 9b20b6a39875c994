import { ChatBedrockConverse } from "@langchain/aws";

export const model = new ChatBedrockConverse({
  model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
  region: "us-west-2",
});
