package com.example.docs;

import com.google.cloud.vertexai.VertexAI;
import com.google.cloud.vertexai.generativeai.GenerativeModel;

public class VertexGemini {
    public static void main(String[] args) throws Exception {
        try (VertexAI vertex = new VertexAI("docs-prod", "europe-west1")) {
            GenerativeModel model = new GenerativeModel("gemini-1.5-flash", vertex);
        }
    }
}
