/**
 * Sentiment of social mentions in French and English, pure and synchronous: a social
 * tokenizer, polarity rules over natural's and curated lexicons, and a small linear model
 * shipped as data (`model/sentiment-model.v1.json`, rebuilt by `npm run train:sentiment`).
 * The model exports below are for that trainer.
 */
export { analyzeSentiment, featurizeText, prepareSentiment } from './analyze-sentiment';
export type { AnalyzeOptions } from './analyze-sentiment';
export { detectLanguage } from './language-detection';
export type { DetectedLanguage } from './language-detection';
export type { SupportedLanguage } from './social-lexicon';
export { SUPPORTED_LANGUAGES } from './social-lexicon';
export { CLASS_COUNT, createLinearModel, predictProbabilities, serializeLinearModel } from './linear-model';
export type { LinearModel, SerializedLanguageModel, SerializedSentimentModel } from './linear-model';
export { FEATURE_BUCKETS, FEATURE_VERSION } from './sentiment-features';
export type { FeatureVector } from './sentiment-features';
