package com.example.chat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

public class OpenAiService {
    private final OpenAIClient client = OpenAIOkHttpClient.fromEnv();
}
