/**
 * Sentiment of social mentions in French and English, pure and synchronous: a social
 * tokenizer, polarity rules over natural's and curated lexicons, and a small linear model
 * shipped as data (`model/sentiment-model.v2.json`, rebuilt by `npm run train:sentiment`; what it
 * was trained on and its cross-validated figures are in `model/sentiment-model.v2.training.json`).
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
