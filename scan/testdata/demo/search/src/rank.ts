import OpenAI from "openai";
import { Ollama } from "ollama";
import { VertexAI } from "@google-cloud/vertexai";

// Query rewriting on the public API; embeddings stay on our own server.
export const rewriter = new OpenAI();
export const embedder = new Ollama({ host: "http://ollama.internal:11434" });
export const vertex = new VertexAI({ project: "acme-search", location: "europe-west4" });
