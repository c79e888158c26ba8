// natural ships types only for its index, whose import pulls storage back-ends and reads
// ./.env; these declare the few files the analyzer loads directly.
declare module 'natural/lib/natural/stemmers/porter_stemmer_fr' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}

declare module 'natural/lib/natural/util/stopwords_fr' {
  export const words: string[];
}

declare module 'natural/lib/natural/util/stopwords' {
  export const words: string[];
}
