import Anthropic from "@anthropic-ai/sdk";

const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });

export const draft = (text: string) =>
  anthropic.messages.create({ model: "claude-3-5-sonnet-latest", max_tokens: 400, messages: [{ role: "user", content: text }] });
