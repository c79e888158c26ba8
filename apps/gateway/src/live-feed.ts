import type { RecentListStore } from '@tocsin/redis';

/**
 * A batch's live items grouped by brand: each brand's are kept in its recent list (for pages
 * that connect later) before they are sent to the pages connected now.
 */
export class LiveFeedBatch<T> {
  private readonly byBrand = new Map<string, T[]>();

  add(brandId: string, item: T): void {
    const items = this.byBrand.get(brandId);
    if (items) items.push(item);
    else this.byBrand.set(brandId, [item]);
  }

  async storeThenDeliver(recent: RecentListStore, deliver: (brandId: string, item: T) => void): Promise<void> {
    for (const [brandId, items] of this.byBrand) {
      await recent.push(
        brandId,
        items.map((item) => JSON.stringify(item)),
      );
      for (const item of items) deliver(brandId, item);
    }
  }
}
