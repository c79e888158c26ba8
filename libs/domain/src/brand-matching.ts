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

/** The parts of a mention brand matching reads, folded once for all the plan's brands. */
export interface FoldedMention {
  text: string;
  handle: string;
}

export function foldMention(mention: Pick<Mention, 'text' | 'author'>): FoldedMention {
  return { text: foldText(mention.text), handle: foldText(mention.author.handle.replace(/^@/, '')) };
}

function foldHandle(handle: string): string {
  return foldText(handle.replace(/^@/, ''));
}

type BrandAccounts = Pick<Brand, 'handles' | 'accounts'>;

/**
 * A brand's handles folded once per brand object and platform, not once per mention: brands come
 * from a parsed plan and are replaced, never changed, on a reload.
 */
const foldedHandlesCache = new WeakMap<BrandAccounts, Map<string, ReadonlySet<string>>>();

function foldedHandlesOf(brand: BrandAccounts, platform: Mention['platform']): ReadonlySet<string> {
  let byPlatform = foldedHandlesCache.get(brand);
  if (byPlatform === undefined) {
    byPlatform = new Map();
    foldedHandlesCache.set(brand, byPlatform);
  }
  let folded = byPlatform.get(platform);
  if (folded === undefined) {
    folded = new Set((brand.accounts[platform] ?? brand.handles).map(foldHandle));
    byPlatform.set(platform, folded);
  }
  return folded;
}

/** Whether a post's author is one of the brand's own accounts on that post's platform ("@" optional, case and accents ignored). */
export function isBrandAccount(brand: BrandAccounts, mention: Pick<Mention, 'platform' | 'author'>): boolean {
  return foldedHandlesOf(brand, mention.platform).has(foldHandle(mention.author.handle));
}

export interface BrandMatcher {
  readonly brandId: string;
  matches(mention: Pick<Mention, 'text' | 'author' | 'inReplyTo'>): boolean;
  /** The same on a mention already folded (see foldMention). */
  matchesFolded(mention: FoldedMention): boolean;
}

export function compileBrandMatcher(brand: Brand): BrandMatcher {
  const positives = [
    ...brand.keywords.map(termPattern),
    ...brand.hashtags.map((tag) => termPattern(tag.startsWith('#') ? tag : `#${tag}`)),
    ...brand.handles.map((handle) => termPattern(handle.startsWith('@') ? handle : `@${handle}`)),
  ];
  const exclusions = brand.exclusions.map(termPattern);
  const accounts = [...brand.handles, ...Object.values(brand.accounts).flat()];
  const ownHandles = new Set(accounts.map((h) => foldText(h.replace(/^@/, ''))));
  const matchesFolded = ({ text, handle }: FoldedMention): boolean => {
    if (exclusions.some((pattern) => pattern.test(text))) return false;
    if (positives.some((pattern) => pattern.test(text))) return true;
    // A brand's own posts are mentions of it too.
    return ownHandles.has(handle);
  };
  return {
    brandId: brand.id,
    matches: (mention) => matchesFolded(foldMention(mention)),
    matchesFolded,
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
  // Folding (Unicode normalisation) costs more than a brand's patterns: once per mention.
  const folded = foldMention(mention);
  for (const matcher of matchers) if (matcher.matchesFolded(folded)) ids.add(matcher.brandId);
  return [...ids].sort();
}
