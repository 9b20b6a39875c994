package com.example.claims.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

@Configuration
public class BedrockConfig {
    @Bean
    public BedrockRuntimeClient bedrock() {
        return BedrockRuntimeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .build();
    }
}
