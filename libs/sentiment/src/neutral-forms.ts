import type { SocialToken } from './social-tokenizer';
import { foldWord, tokenizeSocial } from './social-tokenizer';

/**
 * Shapes of text that state no opinion by themselves: a question asked ("Est-ce que Fleurie
 * livre en Belgique ?"), a brand's customer-service reply ("désolés ! Envoyez-nous
 * l'identifiant…", "DM us your order number"). Words like "mieux" or "sorry" inside them are
 * part of the asking or of the apology, not a verdict on the brand.
 */
export type NeutralForm = 'question' | 'service reply';

// Patterns run on folded text (lower case, no accents), with ’ read as '.
const SERVICE_REPLY_PATTERNS: readonly RegExp[] = [
  /\b(?:dm|direct message|message|send|email) us\b/,
  /\b(?:reach out|get in touch) (?:to|with) us\b/,
  /\bwe(?:'re| are) (?:so |really |very |truly )?sorry\b/,
  /\bwe apologi[sz]e\b/,
  /\bsorry (?:for|about) (?:the|any) (?:inconvenience|trouble|delay)\b/,
  /\bthanks? (?:you )?for (?:flagging|reporting|letting us know|reaching out|your patience)\b/,
  /\bour (?:team|teams|agents)\b/,
  /\b(?:envoyez|ecrivez|contactez|rejoignez)[- ]nous\b/,
  /\bpouvez[- ]vous nous\b/,
  /\bnous sommes (?:profondement |vraiment |sincerement |tres )?desole(?:e|s|es)?\b/,
  /\b(?:toutes nos|nos plus sinceres) excuses\b/,
  /\b(?:en|par) (?:message prive|mp|dm|prive)\b/,
  /\bnotre equipe\b/,
  /\bmerci pour (?:votre retour|votre message|votre signalement|le signalement|votre patience)\b/,
];

// A word every reply pattern above needs, looked up among the text's tokens: most mentions have
// none, and folding a French text and running fourteen patterns over it was 6 % of scoring.
const SERVICE_REPLY_WORDS: ReadonlySet<string> = new Set([
  'us',
  'sorry',
  'apologise',
  'apologize',
  'thank',
  'thanks',
  'our',
  'nous',
  'excuses',
  'mp',
  'dm',
  'prive',
  'notre',
  'merci',
]);

// Questions that are complaints in disguise ("why is my refund still not here??") keep the model's verdict.
const COMPLAINING_QUESTION = /\b(?:why|pourquoi|wtf|serieux|seriously|c'est normal)\b/;

function fold(text: string): string {
  return foldWord(text.replace(/[’‘]/g, "'"));
}

/**
 * The neutral form of a text, if it has one: a service reply first (it often ends on a question,
 * "could you DM us?"), then a question. `text` is the normalized text, `tokens` its tokens.
 */
export function detectNeutralForm(
  text: string,
  tokens: readonly SocialToken[] = tokenizeSocial(text).tokens,
): NeutralForm | undefined {
  const mayReply = tokens.some((token) => (token.memo.replyWord ??= SERVICE_REPLY_WORDS.has(token.norm)));
  const asks = text.includes('?');
  if (!mayReply && !asks) return undefined;
  const folded = fold(text);
  if (mayReply && SERVICE_REPLY_PATTERNS.some((pattern) => pattern.test(folded))) return 'service reply';
  if (asks && !COMPLAINING_QUESTION.test(folded)) return 'question';
  return undefined;
}
