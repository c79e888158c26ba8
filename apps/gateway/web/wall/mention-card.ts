import type { EnrichedMention, SentimentLabel } from '@tocsin/domain';
import { find } from '../shared/dom';
import { formatFollowers } from '@tocsin/domain/format-amount';
import { formatTime, INFLUENTIAL_FOLLOWERS } from '../shared/format';

export function mentionKeyOf(mention: EnrichedMention): string {
  return mention.key || `${mention.platform}:${mention.id}`;
}

function describeCues(mention: EnrichedMention, sentiment: SentimentLabel): string {
  const cues = mention.sentiment.cues.filter((cue) => cue.length > 0);
  return cues.length === 0 ? '' : `why ${sentiment}: ${cues.join(', ')}`;
}

/** Only web links are followed; anything else in `url` is shown as nothing. */
function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * A card cloned from the page's `template`: every field goes in through textContent or a
 * checked attribute, since mention text is untrusted.
 */
export function createMentionCard(
  template: HTMLTemplateElement,
  mention: EnrichedMention,
  brandName: (brandId: string) => string,
  fresh: boolean,
): HTMLElement {
  const item = template.content.firstElementChild?.cloneNode(true);
  if (!(item instanceof HTMLElement)) throw new Error('the mention card template has no element inside');
  const sentiment = mention.sentiment.label;
  const author = mention.author;
  const handle = author.handle.replace(/^@/, '');

  item.dataset.sentiment = sentiment;
  item.dataset.brands = mention.brandIds.join(',');
  item.dataset.key = mentionKeyOf(mention);
  if (fresh) item.classList.add('card--fresh');

  find('.card__avatar', HTMLElement, item).textContent = (author.name || handle || '?').trim().charAt(0).toUpperCase();
  find('.card__name', HTMLElement, item).textContent = author.name || `@${handle}`;
  find('.card__handle', HTMLElement, item).textContent = author.name ? `@${handle}` : '';
  find('.card__verified', HTMLElement, item).hidden = author.verified !== true;
  const followers = find('.card__followers', HTMLElement, item);
  if (typeof author.followers === 'number') {
    followers.textContent = `${formatFollowers(author.followers)} followers`;
    followers.classList.toggle('card__followers--influential', author.followers >= INFLUENTIAL_FOLLOWERS);
  }

  const badge = find('.card__sentiment', HTMLElement, item);
  badge.textContent = sentiment;
  badge.title = `score ${mention.sentiment.score.toFixed(2)}, confidence ${mention.sentiment.confidence.toFixed(2)}`;

  find('.card__text', HTMLElement, item).textContent = mention.text;
  find('.card__cues', HTMLElement, item).textContent = describeCues(mention, sentiment);

  const brandList = find('.card__brands', HTMLElement, item);
  for (const brandId of mention.brandIds) {
    const chip = document.createElement('li');
    chip.textContent = brandName(brandId);
    brandList.append(chip);
  }
  find('.card__platform', HTMLElement, item).textContent = mention.platform;
  find('.card__place', HTMLElement, item).textContent = [mention.country, mention.lang].filter(Boolean).join(' · ');
  const time = find('.card__time', HTMLTimeElement, item);
  time.dateTime = mention.createdAt;
  time.textContent = formatTime(mention.createdAt);
  time.title = mention.createdAt;
  const href = mention.url ? safeHref(mention.url) : null;
  if (href !== null) {
    const link = find('.card__link', HTMLAnchorElement, item);
    link.href = href;
    link.hidden = false;
    link.setAttribute('aria-label', `Open the ${mention.platform} post by @${handle}`);
  }
  return item;
}
