import { VertexAI } from '@google-cloud/vertexai';

const PROJECT = process.env.GOOGLE_CLOUD_PROJECT;

const vertex = new VertexAI({
  project: PROJECT,
  location: 'europe-west3',
});

export const model = vertex.getGenerativeModel({ model: 'gemini-1.5-flash' });
