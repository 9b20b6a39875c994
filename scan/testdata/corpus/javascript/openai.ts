import OpenAI from "openai";

const openai = new OpenAI();

export async function answer(question: string) {
  const res = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: question }] });
  return res.choices[0].message.content;
}
