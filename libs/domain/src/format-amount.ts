/** A count or magnitude as a person reads it: whole above 100, two significant digits below. */
export function formatAmount(value: number): string {
  return value >= 100 ? Math.round(value).toString() : Number(value.toPrecision(2)).toString();
}

/** "120k", "1.2M": follower counts as people say them, in alert reasons and on the pages alike. */
export function formatFollowers(count: number): string {
  if (count >= 1_000_000) return `${Number((count / 1_000_000).toFixed(1))}M`;
  if (count >= 1_000) return `${Number((count / 1_000).toFixed(1))}k`;
  return String(count);
}
