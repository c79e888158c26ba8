import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NAB_PROFILES } from './nab-scoring';
import { pairedBootstrap } from './paired-bootstrap';

const standard = NAB_PROFILES.standard;

describe('pairedBootstrap', () => {
  it('finds no gap and no spread between a detector and itself', () => {
    const files = [
      { raw: 1.2, windows: 2 },
      { raw: -0.4, windows: 1 },
      { raw: 0.9, windows: 3 },
    ];
    const result = pairedBootstrap(
      files,
      files.map((file) => file.raw),
      standard,
      500,
    );
    expect(result).toEqual({ gap: 0, low: 0, high: 0, aboveShare: 0 });
  });

  it('puts a detector better on every file above the other on every draw', () => {
    const first = Array.from({ length: 20 }, (_, index) => ({ raw: 0.5 + index / 100, windows: 2 }));
    const result = pairedBootstrap(
      first,
      first.map((file) => file.raw - 0.3),
      standard,
      1_000,
    );
    expect(result.gap).toBeGreaterThan(0);
    expect(result.low).toBeGreaterThan(0);
    expect(result.aboveShare).toBe(1);
  });

  it('gives an interval around a gap that one file decides, and it contains no certainty', () => {
    // Equal everywhere but one file, where the first detector misses a window the second catches.
    const first = Array.from({ length: 30 }, (_, index) => ({ raw: index === 7 ? -1 : 0.8, windows: 1 }));
    const second = first.map(() => 0.8);
    const result = pairedBootstrap(first, second, standard, 2_000, 3);
    expect(result.gap).toBeLessThan(0);
    expect(result.low).toBeLessThan(result.gap);
    // A draw leaves the one file out with chance (29/30)^30 ≈ 0.36: then the gap is 0, not above.
    expect(result.high).toBe(0);
    expect(result.aboveShare).toBe(0);
  });

  it('is reproducible from its seed', () => {
    const first = Array.from({ length: 10 }, (_, index) => ({ raw: Math.sin(index), windows: 1 }));
    const second = first.map((file, index) => file.raw + Math.cos(index) / 2);
    expect(pairedBootstrap(first, second, standard, 300, 5)).toEqual(pairedBootstrap(first, second, standard, 300, 5));
  });

  it('refuses files that do not pair', () => {
    expect(() => pairedBootstrap([{ raw: 1, windows: 1 }], [], standard)).toThrow(/same non-empty files/);
  });
});

describe("ARTime's published per-file scores", () => {
  const published = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'artime-per-file.json'), 'utf8')) as {
    scores: Record<string, number[]>;
  };

  it('hold the 54 corpus files, three finite profiles each, and none of the held-out tweets', () => {
    const names = Object.keys(published.scores);
    expect(names).toHaveLength(54);
    for (const scores of Object.values(published.scores)) {
      expect(scores).toHaveLength(3);
      expect(scores.every(Number.isFinite)).toBe(true);
    }
    expect(names.filter((name) => /Twitter_volume_(CVS|IBM|PFE|UPS)/.test(name))).toEqual([]);
  });
});
