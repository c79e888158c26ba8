import { brandSchema, compileBrandMatcher, MAX_TEXT_CHARS, type Mention } from '@tocsin/domain';
import type { CreatedAtAdjustment } from './created-at';

/**
 * What one item of a source turned into: a mention, something deliberately not a mention
 * (a deletion, a repost, a post naming none of the source's keywords), or a malformed item
 * that goes to the dead-letter topic with its raw bytes and this reason.
 */
export type SourceItem =
  | { kind: 'mention'; mention: Mention; createdAt: CreatedAtAdjustment }
  | { kind: 'skipped'; reason: string }
  | { kind: 'malformed'; reason: string };

/** Settings every mapper needs: the clock reading and how far ahead an item's date may be. */
export interface MappingContext {
  nowMs: number;
  maxFutureSkewMs: number;
}

/** Cuts text to what a mention holds, without splitting a surrogate pair. */
export function fitMentionText(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  return Array.from(text.slice(0, MAX_TEXT_CHARS))
    .join('')
    .slice(0, MAX_TEXT_CHARS - 1)
    .concat('…');
}

export type KeywordFilter = (mention: Pick<Mention, 'text' | 'author' | 'inReplyTo'>) => boolean;

/**
 * Keeps mentions naming one of `keywords` with the pipeline's own matching rules (word
 * boundaries, case and accents folded), so the source filter never keeps less than the
 * pipeline would match. No keywords keeps everything.
 */
export function compileKeywordFilter(sourceId: string, keywords: readonly string[] | undefined): KeywordFilter {
  if (keywords === undefined || keywords.length === 0) return () => true;
  const matcher = compileBrandMatcher(brandSchema.parse({ id: sourceId, name: sourceId, keywords }));
  // Own-handle matching makes no sense for a keyword list: only the text decides.
  return (mention) => matcher.matches({ ...mention, author: { ...mention.author, handle: '\u0000' } });
}
