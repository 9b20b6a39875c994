const { CohereClientV2 } = require('cohere-ai');

const cohere = new CohereClientV2({ token: process.env.CO_API_KEY });
module.exports = cohere;
