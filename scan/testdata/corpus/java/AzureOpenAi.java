package com.example.hr;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.AzureKeyCredential;

public class AzureOpenAi {
    static OpenAIClient create(String key) {
        return new OpenAIClientBuilder()
                .endpoint("https://contoso-hr.openai.azure.com/")
                .credential(new AzureKeyCredential(key))
                .buildClient();
    }
}
