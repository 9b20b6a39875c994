import { ChatOpenAI } from "@langchain/openai";
import { ChatOllama } from "@langchain/ollama";

export const writer = new ChatOpenAI({ model: "gpt-4o", temperature: 0 });
export const local = new ChatOllama({ model: "llama3", baseUrl: "http://localhost:11434" });
