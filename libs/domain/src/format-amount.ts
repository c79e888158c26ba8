/** A count or magnitude as a person reads it: whole above 100, two significant digits below. */
export function formatAmount(value: number): string {
  return value >= 100 ? Math.round(value).toString() : Number(value.toPrecision(2)).toString();
}
