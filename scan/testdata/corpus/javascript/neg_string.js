export function help() {
  console.log("call new OpenAI() to start, then new Anthropic() for the second opinion");
}
