/* The brands a page shows live in its URL (`?brands=a,b`), so a view can be bookmarked per brand. */
import { replaceQuery } from './dom';

/** The brands named in the URL that the plan knows, or every known brand when the URL names none. */
export function readBrandSelection(knownIds: readonly string[]): string[] {
  const param = new URLSearchParams(window.location.search).get('brands');
  if (param === null) return [...knownIds];
  return param
    .split(',')
    .map((id) => id.trim())
    .filter((id) => knownIds.includes(id));
}

export function writeBrandSelection(selected: readonly string[], knownCount: number): void {
  replaceQuery((params) => {
    if (selected.length === knownCount) params.delete('brands');
    else params.set('brands', selected.join(','));
  });
}
