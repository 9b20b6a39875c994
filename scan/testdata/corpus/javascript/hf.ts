import { InferenceClient } from "@huggingface/inference";

const hf = new InferenceClient(process.env.HF_TOKEN);
export const embed = (text: string) => hf.featureExtraction({ model: "intfloat/multilingual-e5-large", inputs: text });
