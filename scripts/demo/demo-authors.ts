import type { Author, Platform } from '@tocsin/domain';
import type { DemoBrandId, DemoLang } from './demo-phrasebook';
import type { SeededRandom } from '@tocsin/domain';

/** Where a group of writers lives, which language they write and when they sleep. */
export interface Audience {
  key: string;
  lang: DemoLang;
  /** BCP-47 hint a source would attach. */
  langTag: string;
  country: string;
  timeZone: string;
}

export const AUDIENCES = {
  frFR: { key: 'fr-FR', lang: 'fr', langTag: 'fr-FR', country: 'FR', timeZone: 'Europe/Paris' },
  frBE: { key: 'fr-BE', lang: 'fr', langTag: 'fr-BE', country: 'BE', timeZone: 'Europe/Brussels' },
  frCA: { key: 'fr-CA', lang: 'fr', langTag: 'fr-CA', country: 'CA', timeZone: 'America/Toronto' },
  enCA: { key: 'en-CA', lang: 'en', langTag: 'en-CA', country: 'CA', timeZone: 'America/Toronto' },
  enGB: { key: 'en-GB', lang: 'en', langTag: 'en-GB', country: 'GB', timeZone: 'Europe/London' },
} as const satisfies Record<string, Audience>;

export interface DemoAuthor extends Author {
  followers: number;
  audience: Audience;
  /** Platforms this author posts on; influencers keep to their own. */
  platforms?: readonly Platform[];
}

const FIRST_NAMES: Readonly<Record<DemoLang, readonly string[]>> = {
  fr: [
    'Camille',
    'Léa',
    'Manon',
    'Chloé',
    'Inès',
    'Sarah',
    'Julie',
    'Emma',
    'Lucas',
    'Hugo',
    'Théo',
    'Nathan',
    'Karim',
    'Yasmine',
    'Élodie',
    'Mathis',
    'Sophie',
    'Amandine',
    'Nicolas',
    'Aurélie',
    'Gabriel',
    'Maëlle',
    'Benoît',
    'Fatou',
  ],
  en: [
    'Olivia',
    'Amelia',
    'Isla',
    'Ava',
    'Jack',
    'Harry',
    'Oliver',
    'George',
    'Priya',
    'Liam',
    'Noah',
    'Emily',
    'Chloe',
    'Mia',
    'Ethan',
    'Grace',
    'Aisha',
    'Ryan',
    'Zoe',
    'Sam',
  ],
};

const LAST_NAMES: Readonly<Record<DemoLang, readonly string[]>> = {
  fr: [
    'Martin',
    'Bernard',
    'Dubois',
    'Durand',
    'Lefebvre',
    'Moreau',
    'Laurent',
    'Simon',
    'Michel',
    'Garcia',
    'Roux',
    'Fournier',
    'Girard',
    'Bonnet',
    'Tremblay',
    'Gagnon',
    'Peeters',
    'Janssens',
    'Diallo',
    'Benali',
  ],
  en: [
    'Smith',
    'Jones',
    'Taylor',
    'Brown',
    'Williams',
    'Wilson',
    'Evans',
    'Patel',
    'Walker',
    'Roberts',
    'Campbell',
    'Clarke',
    'Wright',
    'Green',
    'Hughes',
    'Thompson',
  ],
};

const HANDLE_SUFFIXES = ['', '_', '.', '__', 'x', 'off', 'pro', 'ofc', 'tv', 'zz'] as const;

/** Verified voices with 100k+ followers: they weigh far more than their count of posts. */
export const INFLUENCERS: readonly DemoAuthor[] = [
  {
    id: 'inf-lea-beaute',
    handle: 'lea.beaute',
    name: 'Léa | Beauté clean',
    followers: 482_300,
    verified: true,
    audience: AUDIENCES.frFR,
    platforms: ['instagram', 'tiktok'],
  },
  {
    id: 'inf-journal-conso',
    handle: 'JournalConso',
    name: 'Le Journal Conso',
    followers: 318_000,
    verified: true,
    audience: AUDIENCES.frFR,
    platforms: ['news', 'twitter'],
  },
  {
    id: 'inf-sophie-mtl',
    handle: 'sophiemtl',
    name: 'Sophie Tremblay',
    followers: 131_900,
    verified: true,
    audience: AUDIENCES.frCA,
    platforms: ['instagram', 'youtube'],
  },
  {
    id: 'inf-nina-glow',
    handle: 'glowwithnina',
    name: 'Nina Glow',
    followers: 156_400,
    verified: true,
    audience: AUDIENCES.enCA,
    platforms: ['tiktok', 'instagram'],
  },
  {
    id: 'inf-urban-ride',
    handle: 'UrbanRideUK',
    name: 'Urban Ride UK',
    followers: 205_400,
    verified: true,
    audience: AUDIENCES.enGB,
    platforms: ['twitter', 'youtube'],
  },
];

/** The brands' own accounts: what they post is about them even without naming them. */
export const BRAND_ACCOUNTS: Readonly<Record<DemoBrandId, Readonly<Record<DemoLang, DemoAuthor>>>> = {
  fleurie: {
    fr: {
      id: 'brand-fleurie-off',
      handle: 'fleurie_off',
      name: 'Fleurie Cosmétiques',
      followers: 58_200,
      verified: true,
      audience: AUDIENCES.frFR,
    },
    en: {
      id: 'brand-fleuriecare',
      handle: 'fleuriecare',
      name: 'Fleurie Care',
      followers: 4_310,
      verified: false,
      audience: AUDIENCES.enCA,
    },
  },
  voltaway: {
    fr: {
      id: 'brand-voltaway',
      handle: 'voltaway',
      name: 'Voltaway',
      followers: 92_700,
      verified: true,
      audience: AUDIENCES.frFR,
    },
    en: {
      id: 'brand-voltaway-help',
      handle: 'voltaway_help',
      name: 'Voltaway Help',
      followers: 12_450,
      verified: true,
      audience: AUDIENCES.enGB,
    },
  },
};

/** Pareto tail: most people have a few hundred followers, a handful have tens of thousands. */
function drawFollowers(random: SeededRandom): number {
  const minimum = 20;
  const shape = 1.15;
  const followers = Math.floor(minimum / Math.pow(1 - random.next(), 1 / shape));
  return Math.min(followers, 95_000);
}

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Ordinary writers of one audience; handles are unique within the pool. */
export function createAuthorPool(random: SeededRandom, audience: Audience, size: number): DemoAuthor[] {
  const authors: DemoAuthor[] = [];
  const taken = new Set<string>();
  while (authors.length < size) {
    const first = random.pick(FIRST_NAMES[audience.lang]);
    const last = random.pick(LAST_NAMES[audience.lang]);
    const base = random.chance(0.5)
      ? `${slugify(first)}${slugify(last)}`
      : `${slugify(first)}_${slugify(last).slice(0, 3)}`;
    const digits = random.chance(0.6) ? String(random.int(1, 99)) : '';
    const handle = `${base}${random.pick(HANDLE_SUFFIXES)}${digits}`;
    if (taken.has(handle)) continue;
    taken.add(handle);
    authors.push({
      id: `u-${audience.key}-${authors.length}`,
      handle,
      name: `${first} ${last}`,
      followers: drawFollowers(random),
      verified: false,
      audience,
    });
  }
  return authors;
}

/** A few people post a lot and most post rarely, so picks lean towards the pool's head. */
export function pickActiveAuthor(random: SeededRandom, pool: readonly DemoAuthor[]): DemoAuthor {
  const index = Math.floor(pool.length * Math.pow(random.next(), 2));
  return random.pick(pool.slice(index, index + 1));
}
