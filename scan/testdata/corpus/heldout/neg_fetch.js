const ollamaModels = ["llama3", "mistral"];

export async function ask(q) {
  return fetch("/api/chat", { method: "POST", body: JSON.stringify({ q, model: ollamaModels[0] }) });
}
