import OpenAI from 'openai';

// const client = new OpenAI();  kept for the migration notes
export type Client = OpenAI;
export const DOCS = "https://platform.openai.com/docs/api-reference";
