package com.example.storage;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

public class NegS3Config {
    static S3Client s3() {
        return S3Client.builder().region(Region.EU_WEST_1).build();
    }
}
