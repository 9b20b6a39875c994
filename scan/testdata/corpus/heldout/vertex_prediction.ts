import { PredictionServiceClient } from "@google-cloud/aiplatform";

export const predictions = new PredictionServiceClient({
  apiEndpoint: "us-central1-aiplatform.googleapis.com",
});
