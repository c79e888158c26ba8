import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Platform } from '@tocsin/domain';
import { resolveCreatedAt } from './created-at';
import { htmlToText } from './html-to-text';
import { fitMentionText, type MappingContext, type SourceItem } from './source-item';

/** One RSS item or Atom entry, as read, before it is judged. */
export interface FeedEntry {
  /** guid (RSS) or id (Atom), else the link: the dedup key of the entry. */
  key: string | undefined;
  title: string | undefined;
  link: string | undefined;
  summary: string | undefined;
  published: string | undefined;
  author: string | undefined;
  lang: string | undefined;
  /** The entry as parsed, for the dead-letter topic when it cannot be a mention. */
  raw: string;
}

export type FeedDocument =
  | { ok: true; format: 'rss' | 'atom' | 'rdf'; title: string | undefined; entries: FeedEntry[] }
  | { ok: false; reason: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['item', 'entry', 'link', 'category', 'author'].includes(name),
});

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of an element that may be plain, carry attributes, or be repeated. */
function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  if (isNode(value)) return textOf(value['#text']);
  return undefined;
}

function resolveLink(href: string | undefined, base: string): string | undefined {
  if (href === undefined) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function atomLink(links: unknown, base: string): string | undefined {
  const list = Array.isArray(links) ? links : [links];
  const nodes = list.filter(isNode);
  const alternate = nodes.find((link) => link['@_rel'] === undefined || link['@_rel'] === 'alternate') ?? nodes[0];
  return resolveLink(typeof alternate?.['@_href'] === 'string' ? alternate['@_href'] : undefined, base);
}

function authorOf(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (isNode(first) && 'name' in first) return textOf(first.name);
  return textOf(first);
}

function readRssItem(item: Node, base: string, lang: string | undefined): FeedEntry {
  const link = resolveLink(textOf(item.link), base);
  return {
    key: textOf(item.guid) ?? link,
    title: textOf(item.title),
    link,
    summary: textOf(item.description) ?? textOf(item['content:encoded']),
    published: textOf(item.pubDate) ?? textOf(item['dc:date']),
    author: authorOf(item['dc:creator']) ?? authorOf(item.author),
    lang,
    raw: JSON.stringify(item),
  };
}

function readAtomEntry(entry: Node, base: string, lang: string | undefined): FeedEntry {
  const entryBase = typeof entry['@_xml:base'] === 'string' ? (resolveLink(entry['@_xml:base'], base) ?? base) : base;
  const link = atomLink(entry.link, entryBase);
  return {
    key: textOf(entry.id) ?? link,
    title: textOf(entry.title),
    link,
    summary: textOf(entry.summary) ?? textOf(entry.content),
    published: textOf(entry.published) ?? textOf(entry.updated),
    author: authorOf(entry.author),
    lang: (typeof entry['@_xml:lang'] === 'string' ? entry['@_xml:lang'] : undefined) ?? lang,
    raw: JSON.stringify(entry),
  };
}

function asNodes(value: unknown): Node[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(isNode);
}

/**
 * Reads an RSS 2.0, RSS 1.0 (RDF) or Atom document. Relative links are resolved against the
 * document's base (Atom `xml:base`, else the feed's URL). A document that is not well-formed
 * XML or not a feed is refused as a whole, with the reason.
 */
export function parseFeedDocument(xml: string, feedUrl: string): FeedDocument {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  const doc: unknown = parser.parse(xml);
  if (!isNode(doc)) return { ok: false, reason: 'not an RSS or Atom document' };
  const rss = doc.rss;
  if (isNode(rss) && isNode(rss.channel)) {
    const channel = rss.channel;
    const base = resolveLink(textOf(channel.link), feedUrl) ?? feedUrl;
    const lang = textOf(channel.language);
    return {
      ok: true,
      format: 'rss',
      title: textOf(channel.title),
      entries: asNodes(channel.item).map((item) => readRssItem(item, base, lang)),
    };
  }
  const feed = doc.feed;
  if (isNode(feed)) {
    const base =
      typeof feed['@_xml:base'] === 'string' ? (resolveLink(feed['@_xml:base'], feedUrl) ?? feedUrl) : feedUrl;
    const lang = typeof feed['@_xml:lang'] === 'string' ? feed['@_xml:lang'] : undefined;
    return {
      ok: true,
      format: 'atom',
      title: textOf(feed.title),
      entries: asNodes(feed.entry).map((entry) => readAtomEntry(entry, base, lang)),
    };
  }
  const rdf = doc['rdf:RDF'];
  if (isNode(rdf)) {
    return {
      ok: true,
      format: 'rdf',
      title: isNode(rdf.channel) ? textOf(rdf.channel.title) : undefined,
      entries: asNodes(rdf.item).map((item) => readRssItem(item, feedUrl, undefined)),
    };
  }
  return {
    ok: false,
    reason: `root element <${Object.keys(doc).filter((k) => !k.startsWith('?'))[0] ?? '?'}> is not rss, feed or rdf:RDF`,
  };
}

export interface FeedMappingContext extends MappingContext {
  feedUrl: string;
  platform: Platform;
  lang: string | undefined;
}

const BCP47 = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Turns a feed entry into a mention: the title and the summary as text (markup removed), the
 * guid or link as its id, the feed's host as author when the entry names none. An entry with
 * neither an id nor a link cannot be deduplicated and one with no text says nothing: both are
 * malformed.
 */
export function mapFeedEntry(entry: FeedEntry, context: FeedMappingContext): SourceItem {
  if (entry.key === undefined) return { kind: 'malformed', reason: 'entry has neither guid/id nor link' };
  const title = htmlToText(entry.title ?? '');
  const summary = htmlToText(entry.summary ?? '');
  const text = title && summary && !summary.startsWith(title) ? `${title}\n${summary}` : summary || title;
  if (text === '') return { kind: 'malformed', reason: `entry ${entry.key} has no title and no summary` };
  const host = new URL(context.feedUrl).host;
  const createdAt = resolveCreatedAt(entry.published, context.nowMs, context.maxFutureSkewMs);
  const author = entry.author ? htmlToText(entry.author).slice(0, 256) : '';
  const lang = [entry.lang, context.lang].find((tag): tag is string => tag !== undefined && BCP47.test(tag));
  return {
    kind: 'mention',
    createdAt: createdAt.adjustment,
    mention: {
      id: entry.key.slice(0, 256),
      platform: context.platform,
      text: fitMentionText(text),
      createdAt: createdAt.iso,
      author: author
        ? { id: `${host}:${author}`.slice(0, 256), handle: author, name: author }
        : { id: host, handle: host },
      ...(entry.link ? { url: entry.link } : {}),
      ...(lang ? { lang } : {}),
    },
  };
}
