import { joinShapeReading, type ShapeJoin } from './shape-reading';

const STEP_MS = 5 * 60_000;
const JOIN: ShapeJoin = { gate: 0.4, blockMs: 3 * STEP_MS, refractoryMs: 10 * STEP_MS };

/** Twenty rows of the given values (counts unless said), a novelty page on the last one. */
function series(values: number[], spikeScores: number[]) {
  const rows = values.map((value, index) => ({ timestampMs: index * STEP_MS, value }));
  const spike = spikeScores.map((score) => ({ score }));
  const novelty = values.map((_, index) => ({ alert: index === values.length - 1 }));
  return { rows, spike, novelty };
}

const QUIET = new Array<number>(20).fill(0.1);
const WARM_BLOCK = [...QUIET.slice(0, 18), 0.45, 0.2];

describe('joinShapeReading', () => {
  it('keeps every spike page', () => {
    const scores = [...QUIET.slice(0, 5), 0.7, ...QUIET.slice(6)];
    const { rows, spike, novelty } = series(new Array<number>(20).fill(3), scores);
    expect(joinShapeReading(rows, spike, novelty, JOIN)[5]).toBe(true);
  });

  it('adds a novel shape on a count series when the spike score neared the line in its block', () => {
    const { rows, spike, novelty } = series(new Array<number>(20).fill(3), WARM_BLOCK);
    expect(joinShapeReading(rows, spike, novelty, JOIN).filter(Boolean)).toHaveLength(1);
    expect(joinShapeReading(rows, spike, novelty, JOIN)[19]).toBe(true);
  });

  it('ignores a novel shape whose block the spike detector found ordinary', () => {
    const { rows, spike, novelty } = series(new Array<number>(20).fill(3), QUIET);
    expect(joinShapeReading(rows, spike, novelty, JOIN)[19]).toBe(false);
    expect(joinShapeReading(rows, spike, novelty, { ...JOIN, gate: 0 })[19]).toBe(true);
  });

  it('ignores a novel shape once the series has shown it is not a count', () => {
    const { rows, spike, novelty } = series([2.5, ...new Array<number>(19).fill(3)], WARM_BLOCK);
    expect(joinShapeReading(rows, spike, novelty, JOIN)[19]).toBe(false);
  });

  it('ignores a novel shape within the refractory period of a spike page', () => {
    const scores = [...QUIET.slice(0, 12), 0.8, ...WARM_BLOCK.slice(13)];
    const { rows, spike, novelty } = series(new Array<number>(20).fill(3), scores);
    expect(joinShapeReading(rows, spike, novelty, JOIN)[19]).toBe(false);
  });

  it('rejects verdicts that do not match the rows', () => {
    const { rows, spike, novelty } = series([1, 2], [0, 0]);
    expect(() => joinShapeReading(rows, spike.slice(1), novelty, JOIN)).toThrow(/one verdict per row/);
  });
});
