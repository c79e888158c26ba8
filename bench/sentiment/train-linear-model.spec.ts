import { mulberry32 } from '@tocsin/domain';
import type { LabelledFeatures } from './train-linear-model';
import { assignFolds, predictLabels, pruneRareFeatures, shuffle, trainLinearModel } from './train-linear-model';

// Three separable classes on three buckets, plus one bucket seen in a single example.
const EXAMPLES: LabelledFeatures[] = Array.from({ length: 30 }, (_, i) => ({
  features: { indices: i === 0 ? [20 + (i % 3), 99] : [20 + (i % 3)], values: i === 0 ? [1, 1] : [1] },
  label: i % 3,
}));
const SETTINGS = { l2: 1e-3, epochs: 10, learningRate: 0.2, seed: 7 };

describe(trainLinearModel.name, () => {
  it('learns separable classes', () => {
    const model = trainLinearModel(EXAMPLES, SETTINGS);
    expect(predictLabels(model, EXAMPLES)).toEqual(EXAMPLES.map((e) => e.label));
  });

  it('gives the same weights for the same seed', () => {
    expect(trainLinearModel(EXAMPLES, SETTINGS).weights).toEqual(trainLinearModel(EXAMPLES, SETTINGS).weights);
  });

  it('shrinks weights under a stronger L2 penalty', () => {
    const weak = trainLinearModel(EXAMPLES, SETTINGS);
    const strong = trainLinearModel(EXAMPLES, { ...SETTINGS, l2: 1 });
    expect(Math.abs(strong.weights[20 * 3] ?? 0)).toBeLessThan(Math.abs(weak.weights[20 * 3] ?? 0));
  });

  it('averages the weights at the end of the epochs from averageFrom on', () => {
    const snapshots = [8, 9, 10].map((epochs) => trainLinearModel(EXAMPLES, { ...SETTINGS, epochs }));
    const averaged = trainLinearModel(EXAMPLES, { ...SETTINGS, averageFrom: 8 });
    for (const at of [20 * 3, 20 * 3 + 1, 21 * 3 + 2, 99 * 3]) {
      const mean = snapshots.reduce((sum, model) => sum + (model.weights[at] ?? 0), 0) / snapshots.length;
      expect(averaged.weights[at]).toBeCloseTo(mean, 6);
    }
    const biasMean = snapshots.reduce((sum, model) => sum + (model.bias[1] ?? 0), 0) / snapshots.length;
    expect(averaged.bias[1]).toBeCloseTo(biasMean, 9);
    expect(averaged.weights[20 * 3]).not.toBe(snapshots[2]?.weights[20 * 3]);
  });

  it.each([0, 11, 2.5])('refuses averageFrom %p', (averageFrom) => {
    expect(() => trainLinearModel(EXAMPLES, { ...SETTINGS, averageFrom })).toThrow(/averageFrom must be an epoch/);
  });
});

describe(pruneRareFeatures.name, () => {
  it('drops buckets seen in fewer examples than the minimum', () => {
    const pruned = pruneRareFeatures(EXAMPLES, 2);
    expect(Array.from(pruned[0]?.features.indices ?? [])).toEqual([20]);
    expect(Array.from(pruned[1]?.features.indices ?? [])).toEqual([21]);
  });
});

describe(assignFolds.name, () => {
  it('balances the folds and is reproducible', () => {
    const folds = assignFolds(10, 5, 3);
    expect([0, 1, 2, 3, 4].map((fold) => folds.filter((f) => f === fold).length)).toEqual([2, 2, 2, 2, 2]);
    expect(assignFolds(10, 5, 3)).toEqual(folds);
  });
});

describe(shuffle.name, () => {
  it('permutes without losing items', () => {
    const items = [1, 2, 3, 4, 5, 6];
    expect([...shuffle(items, mulberry32(1))].sort()).toEqual(items);
  });
});
