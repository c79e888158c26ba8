import { fitThresholds, labelByThresholds, scoreClassification } from './classification-metrics';

describe(scoreClassification.name, () => {
  it('scores a perfect prediction as 1', () => {
    expect(scoreClassification([0, 1, 2, 2], [0, 1, 2, 2])).toMatchObject({ macroF1: 1, accuracy: 1 });
  });

  it('computes per-class precision, recall and F1', () => {
    const report = scoreClassification([0, 0, 1, 2], [0, 1, 1, 0]);
    expect(report.perClass[0]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(report.perClass[1]).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
    expect(report.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(report.macroF1).toBeCloseTo((0.5 + 2 / 3) / 3);
    expect(report.accuracy).toBe(0.5);
  });

  it('refuses predictions of another length', () => {
    expect(() => scoreClassification([0, 1], [0])).toThrow(/as many predictions/);
  });
});

describe(labelByThresholds.name, () => {
  it.each([
    [-0.5, 0],
    [0, 1],
    [0.2, 1],
    [0.5, 2],
  ])('labels %d as class %d with cut points -0.1 and 0.2', (score, expected) => {
    expect(labelByThresholds(score, -0.1, 0.2)).toBe(expected);
  });
});

describe(fitThresholds.name, () => {
  it('finds cut points that separate well-ordered scores', () => {
    const scores = [-3, -2, -1, 0, 0.1, 0.2, 1, 2, 3];
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const { low, high } = fitThresholds(scores, labels);
    expect(
      scoreClassification(
        labels,
        scores.map((s) => labelByThresholds(s, low, high)),
      ).macroF1,
    ).toBe(1);
  });
});
