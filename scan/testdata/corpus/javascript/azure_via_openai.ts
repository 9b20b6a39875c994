import OpenAI from "openai";

export const azureClient = new OpenAI({
  apiKey: process.env.AZURE_OPENAI_API_KEY,
  baseURL: `${process.env.AZURE_OPENAI_ENDPOINT}/openai/deployments/${process.env.AZURE_OPENAI_DEPLOYMENT}`,
  defaultQuery: { "api-version": "2024-06-01" },
  defaultHeaders: { "api-key": process.env.AZURE_OPENAI_API_KEY! },
});
