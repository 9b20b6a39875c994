import Mistral from '@mistralai/mistralai'

export default new Mistral({ apiKey: process.env.MISTRAL_API_KEY })
