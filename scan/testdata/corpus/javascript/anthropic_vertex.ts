import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";

const projectId = process.env.GCP_PROJECT;
const region = 'europe-west1';

const client = new AnthropicVertex({ projectId, region });
