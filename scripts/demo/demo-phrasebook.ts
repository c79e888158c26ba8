/**
 * What people write about the two demo brands. Templates hold slots filled at random:
 * {b} a way of naming the brand, {p} a product, {c} a city of the writer's country,
 * {pos}/{neg} an emoji. Brand references are exactly the identifiers of the brands'
 * crisis-plan configuration, so the pipeline's matcher is what attaches brands.
 */

export const DEMO_BRAND_IDS = ['fleurie', 'voltaway'] as const;
export type DemoBrandId = (typeof DEMO_BRAND_IDS)[number];

export type DemoLang = 'fr' | 'en';

/** Everyday intents; `outrage` only appears during the bad buzz. */
export type Tone = 'praise' | 'neutral' | 'question' | 'complaint' | 'outrage' | 'reply';
export type EverydayTone = Exclude<Tone, 'outrage' | 'reply'>;

export interface Phrasebook {
  references: readonly string[];
  products: readonly string[];
  topicalHashtags: readonly string[];
  templates: Readonly<Record<EverydayTone, readonly string[]>>;
  /** Posts by the brand's own accounts, which name no brand and match by author. */
  replies: readonly string[];
}

export const POSITIVE_EMOJI = ['😍', '👍', '🥰', '✨', '🙌', '💚', '😊', '🔥'] as const;
export const NEGATIVE_EMOJI = ['🤬', '🙄', '😡', '👎', '😤', '😒', '💔'] as const;

export const CITIES: Readonly<Record<string, readonly string[]>> = {
  FR: ['Paris', 'Lyon', 'Marseille', 'Bordeaux', 'Lille', 'Nantes', 'Toulouse', 'Rennes'],
  BE: ['Bruxelles', 'Liège', 'Namur', 'Charleroi', 'Mons'],
  CA: ['Montréal', 'Québec', 'Toronto', 'Ottawa', 'Laval'],
  GB: ['London', 'Manchester', 'Bristol', 'Leeds', 'Brighton'],
};

export const PHRASEBOOKS: Readonly<Record<DemoBrandId, Readonly<Record<DemoLang, Phrasebook>>>> = {
  fleurie: {
    fr: {
      references: [
        'Fleurie Cosmétiques',
        'Fleurie Cosmetics',
        '@fleurie_off',
        '#fleurie',
        '@fleuriecare',
        'fleurie cosmétiques',
      ],
      products: [
        'le Sérum Nuit',
        'la crème hydratante',
        'le baume à lèvres',
        'l’huile démaquillante',
        'le gommage à la lavande',
        'le shampoing solide',
      ],
      topicalHashtags: ['#cosmetiquebio', '#skincare', '#beauté', '#routinebeauté', '#madeinfrance'],
      templates: {
        praise: [
          'J’ai adopté {p} de {b}, ma peau n’a jamais été aussi douce {pos}',
          '{b} c’est trop bien, {p} sent tellement bon {pos}',
          'Enfin des cosmétiques bio qui tiennent leurs promesses, merci {b} {pos}',
          'Reçu ma box {b} aujourd’hui, le packaging est canon {pos}',
          '{p} {b} = meilleur achat du mois, validé 👍',
          'J’adore {b} !! Livraison rapide et produits au top',
          'Franchement {p} de chez {b} c’est une tuerie, je recommande',
          'Ma routine du soir avec {p} {b}, un vrai moment de douceur {pos}',
        ],
        neutral: [
          '{b} ouvre une boutique éphémère à {c} ce week-end',
          'Nouvelle gamme solaire chez {b}, disponible en pharmacie dès mars',
          '{b} annonce un partenariat avec des producteurs de lavande de la Drôme',
          'Comparatif des marques bio : {b} et les autres, qui s’en sort le mieux ?',
          'Les soldes commencent chez {b} demain matin',
          'Vu une pub {b} dans le métro à {c}',
          '{b} recrute des conseillères beauté à {c}',
        ],
        question: [
          'Quelqu’un a testé {p} {b} ? Ça vaut le coup ?',
          'Est-ce que {b} livre en Belgique ?',
          '{b} vos produits conviennent aux peaux sensibles ?',
          '{p} de {b}, c’est vegan ou pas ?',
          'Vous savez où trouver {b} à {c} ?',
        ],
        complaint: [
          'Commande {b} toujours pas reçue après 10 jours, c’est long {neg}',
          'Pour info {p} {b} a changé de formule et franchement je suis déçue',
          'Service client {b} injoignable depuis 3 jours 🙄',
          'Trop cher pour ce que c’est, {b}… pas top',
          'Mon colis {b} est arrivé avec le flacon cassé, pas génial',
          'Aucun effet après un mois avec {p} de {b}, ça ne tient pas ses promesses',
        ],
      },
      replies: [
        'Bonjour, désolés pour ce désagrément ! Pouvez-vous nous écrire en message privé avec votre numéro de commande ? 🙏',
        'Merci pour votre retour, notre équipe revient vers vous très vite.',
        'Merci beaucoup pour ce joli message, toute l’équipe est ravie 💚',
      ],
    },
    en: {
      references: ['Fleurie Cosmetics', '@fleurie_off', '#fleurie', '@fleuriecare'],
      products: ['Night Serum', 'moisturiser', 'lip balm', 'cleansing oil', 'lavender scrub'],
      topicalHashtags: ['#skincare', '#cleanbeauty', '#organic', '#selfcare'],
      templates: {
        praise: [
          'Obsessed with the {p} from {b}, my skin is so soft {pos}',
          '{b} {p} is honestly the best thing I bought this year {pos}',
          'Finally an organic brand that actually works, thank you {b} {pos}',
          'My {b} order came today and the packaging is gorgeous {pos}',
          'Lowkey in love with {b}, the {p} smells amazing',
        ],
        neutral: [
          '{b} opens a pop-up store in {c} this weekend',
          '{b} launches a new sun care range next month',
          'Reviewing {b} and two other organic brands on my channel tonight',
          'Saw an ad for {b} on the way to work in {c}',
        ],
        question: [
          'Has anyone tried the {b} {p}? Worth it?',
          'Does {b} ship to Canada?',
          'Is the {b} {p} ok for sensitive skin?',
        ],
        complaint: [
          'Ordered from {b} two weeks ago and still nothing {neg}',
          'The new {b} {p} formula is not as good as before, disappointed',
          'Way too pricey for what it is, {b}… not great',
          'My {b} parcel arrived with a broken bottle 🙄',
        ],
      },
      replies: [
        'Hi! So sorry about this, could you DM us your order number so we can sort it out? 🙏',
        'Thank you so much for the lovely words, the whole team says hi 💚',
      ],
    },
  },
  voltaway: {
    fr: {
      references: ['Voltaway', '@voltaway', '#voltaway', '@voltaway_help', 'voltaway', 'VOLTAWAY'],
      products: ['trottinette', 'appli', 'pass mensuel', 'batterie'],
      topicalHashtags: ['#mobilité', '#trottinette', '#velotaf', '#ville'],
      templates: {
        praise: [
          'Trajet du matin en {b} : 12 minutes au lieu de 35 en bus {pos}',
          'Les trottinettes {b} à {c} sont nickel, toujours chargées 👍',
          '{b} c’est vraiment pratique pour rentrer de soirée',
          'Le pass mensuel {b} est rentabilisé en une semaine, trop bien',
          'Nouvelle appli {b} super fluide, bravo {pos}',
        ],
        neutral: [
          '{b} arrive à {c} avec 500 trottinettes électriques',
          'La mairie de {c} renouvelle son contrat avec {b}',
          '{b} teste des places de stationnement réservées à {c}',
          'Étude : {b} revendique 2 millions de trajets ce trimestre',
          'Grève des transports à {c}, les trottinettes {b} prises d’assaut',
        ],
        question: [
          'Combien coûte la minute chez {b} maintenant ?',
          '{b} on peut se garer où exactement près de la gare de {c} ?',
          'Quelqu’un sait si le pass {b} marche dans toutes les villes ?',
        ],
        complaint: [
          'Encore une trottinette {b} abandonnée au milieu du trottoir à {c} {neg}',
          'Facturé 15 minutes de plus par {b}, l’appli a planté au moment de garer',
          'Batterie à plat au bout de 5 minutes, merci {b} 🙄',
          'Les trottinettes {b} sont toutes HS dans mon quartier',
          '{b} j’attends toujours mon remboursement pour la course d’hier',
        ],
      },
      replies: [
        'Bonjour, nous sommes désolés ! Envoyez-nous l’identifiant de la trottinette en privé, on regarde ça tout de suite.',
        'Merci pour le signalement, une équipe terrain passe dans l’heure.',
      ],
    },
    en: {
      references: ['Voltaway', '@voltaway', '#voltaway', '@voltaway_help', 'voltaway'],
      products: ['scooter', 'app', 'monthly pass', 'battery'],
      topicalHashtags: ['#micromobility', '#escooter', '#commute', '#citylife'],
      templates: {
        praise: [
          'Commute on a {b} scooter: 10 minutes instead of 40 on the bus {pos}',
          '{b} scooters in {c} are proper good, always charged 👍',
          'ngl {b} saved me tonight, no night bus for ages',
          'The new {b} app is so smooth, well done {pos}',
        ],
        neutral: [
          '{b} launches in {c} with 400 e-scooters',
          '{c} council extends its trial with {b}',
          '{b} says it hit 2 million rides this quarter',
          'Tube strike in {c} and every {b} scooter is gone',
        ],
        question: [
          'How much is a minute on {b} now?',
          'Where are you allowed to park a {b} near {c} station?',
          'Does the {b} monthly pass work in every city?',
        ],
        complaint: [
          'Another {b} scooter dumped in the middle of the pavement in {c} {neg}',
          'Charged me 15 extra minutes {b}, the app crashed when I parked',
          'Battery died after 5 minutes, cheers {b} 🙄',
          'Every {b} scooter in my area is broken, not good',
        ],
      },
      replies: [
        'Hi, really sorry about that! DM us the scooter ID and we will look into it right away.',
        'Thanks for flagging, a street team is on its way.',
      ],
    },
  },
};

/**
 * The bad buzz: an allergic reaction to a cream. French first, some English from Canada.
 * Voices range from worried to furious, which is what a CM sees when a crisis builds.
 */
/** The product at the heart of the bad buzz, as people name it. */
export const BAD_BUZZ_PRODUCTS: Readonly<Record<DemoLang, readonly string[]>> = {
  fr: ['le Sérum Nuit', 'la crème Sérum Nuit', 'leur crème de nuit'],
  en: ['Night Serum', 'night cream'],
};

export const BAD_BUZZ_TEMPLATES: Readonly<Record<DemoLang, readonly string[]>> = {
  fr: [
    'Intoxication après {p} de {b} !! Visage gonflé, j’ai fini aux urgences {neg}',
    '{b} RAPPELEZ VOTRE CRÈME, MA FILLE A FAIT UNE RÉACTION ALLERGIQUE',
    'Allergie grave avec {p} {b}, c’est une honte. Remboursez-nous !',
    'Scandale {b} : des dizaines de réactions cutanées et toujours aucun rappel du produit {neg}',
    'Arnaque totale, {b} nous vend du poison « bio ». Boycott !',
    'J’ai porté plainte contre {b}. Honte à vous.',
    'Qui d’autre a eu des plaques rouges avec {b} ?? On est nombreuses apparemment 😡',
    '{b} répondez !!! 3 jours que j’attends une réponse pour mon allergie',
    'Brûlures au visage après {p} {b}, remboursez et rappelez ce produit',
    'Plus jamais {b}. #boycott #scandale',
    'Je jette tous mes produits {b}, c’est une honte {neg}',
  ],
  en: [
    'Broke out in hives after using the {b} {p}. I want a REFUND now 🤬',
    '{b} is a scam. My sister had an allergic reaction, we are talking to a lawyer about a lawsuit',
    'Avoid {b}! Dozens of people reporting burns from the {p} #boycott',
    'Still no recall from {b} after all these reactions? Disgraceful {neg}',
    'Refund me {b}. Your {p} literally burned my face',
  ],
};

/** The voices that make the bad buzz spread: verified, influential, first to speak. */
export const BAD_BUZZ_AMPLIFIERS = [
  {
    atMinute: 6,
    authorHandle: 'lea.beaute',
    platform: 'instagram',
    text: '⚠️ Alerte : beaucoup d’entre vous m’écrivent après une réaction allergique au Sérum Nuit Fleurie Cosmétiques. Arrêtez de l’utiliser, je demande des comptes à la marque. C’est un scandale. #fleurie #rappel',
  },
  {
    atMinute: 17,
    authorHandle: 'JournalConso',
    platform: 'news',
    text: 'Fleurie Cosmétiques : des dizaines de clientes signalent des brûlures et une intoxication après le Sérum Nuit, des associations réclament un rappel',
  },
] as const;

export const BAD_BUZZ_REPLIES: readonly string[] = [
  'Nous sommes profondément désolés. Nous avons suspendu la vente du Sérum Nuit et enquêtons avec notre laboratoire. Écrivez-nous en message privé, nous vous rembourserons.',
  'Votre santé passe avant tout : si vous avez une réaction, arrêtez le produit et contactez-nous en privé.',
];

/**
 * Texts about flowered terraces and balconies: they contain the brand's excluded phrases
 * (sometimes next to its hashtag) and must not be attributed to it.
 */
export const EXCLUDED_PHRASE_TEMPLATES: readonly string[] = [
  'Apéro sur la terrasse fleurie du café, le printemps est enfin là 🌸',
  'Mon balcon fleurie cette année : géraniums et lavande {pos} #fleurie',
  'Petit déj en terrasse fleurie à {c}, le bonheur',
  'Concours du plus beau balcon fleurie de {c} : inscriptions ouvertes',
  'Une terrasse fleurie en plein centre de {c}, qui dit mieux ? #fleurie',
];

export const EXCLUDED_PHRASES = ['terrasse fleurie', 'balcon fleurie'] as const;
