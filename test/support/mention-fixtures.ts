import type { Mention } from '@tocsin/domain';
import { randomUUID } from 'node:crypto';

/** A valid mention with a fresh id; `overrides` set what the test is about. */
export function aMention(overrides: Partial<Mention> = {}): Mention {
  return {
    id: randomUUID(),
    platform: 'twitter',
    text: 'Just tried Fleurie Cosmetics, nothing special',
    createdAt: new Date().toISOString(),
    author: { id: `u-${randomUUID().slice(0, 6)}`, handle: 'someone', followers: 120 },
    ...overrides,
  };
}

export function toNdjson(mentions: readonly unknown[]): string {
  return mentions.map((mention) => JSON.stringify(mention)).join('\n');
}
