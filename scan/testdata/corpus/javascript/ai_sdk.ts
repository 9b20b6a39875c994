import { createOpenAI } from '@ai-sdk/openai';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';

export const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
export const bedrock = createAmazonBedrock({ region: 'us-east-1' });
