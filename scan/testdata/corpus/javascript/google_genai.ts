import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
export const ask = (q: string) => ai.models.generateContent({ model: "gemini-2.0-flash", contents: q });
