import type { Brand } from './brand.schema';
import type { Mention } from './mention.schema';

/** Lower-cases and strips diacritics so "Déçu" and "decu" compare equal. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A term matches on word boundaries only, so "acme" does not match "acmeology". */
function termPattern(term: string): RegExp {
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(foldText(term))}($|[^\\p{L}\\p{N}_])`, 'u');
}

export interface BrandMatcher {
  readonly brandId: string;
  matches(mention: Pick<Mention, 'text' | 'author' | 'inReplyTo'>): boolean;
}

export function compileBrandMatcher(brand: Brand): BrandMatcher {
  const positives = [
    ...brand.keywords.map(termPattern),
    ...brand.hashtags.map((tag) => termPattern(tag.startsWith('#') ? tag : `#${tag}`)),
    ...brand.handles.map((handle) => termPattern(handle.startsWith('@') ? handle : `@${handle}`)),
  ];
  const exclusions = brand.exclusions.map(termPattern);
  const ownHandles = new Set(brand.handles.map((h) => foldText(h.replace(/^@/, ''))));
  return {
    brandId: brand.id,
    matches(mention) {
      const text = foldText(mention.text);
      if (exclusions.some((pattern) => pattern.test(text))) return false;
      if (positives.some((pattern) => pattern.test(text))) return true;
      // A brand's own posts are mentions of it too.
      return ownHandles.has(foldText(mention.author.handle.replace(/^@/, '')));
    },
  };
}

/**
 * Brands a mention is about: the ids the source already gave, plus every brand whose
 * keywords, hashtags or handles appear in it (and none of its exclusions).
 */
export function matchBrands(
  mention: Pick<Mention, 'text' | 'author' | 'inReplyTo' | 'brandIds'>,
  matchers: readonly BrandMatcher[],
): string[] {
  const ids = new Set(mention.brandIds ?? []);
  for (const matcher of matchers) if (matcher.matches(mention)) ids.add(matcher.brandId);
  return [...ids].sort();
}
