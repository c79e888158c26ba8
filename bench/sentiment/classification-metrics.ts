/** Precision, recall and F1 of one class. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationReport {
  readonly macroF1: number;
  readonly accuracy: number;
  /** Indexed by class: 0 negative, 1 neutral, 2 positive. */
  readonly perClass: ClassScores[];
}

/**
 * Scores predictions against gold labels over `classes` classes. A class never predicted
 * and never present counts as F1 0, as scikit-learn does with zero_division=0.
 */
export function scoreClassification(
  gold: readonly number[],
  predicted: readonly number[],
  classes = 3,
): ClassificationReport {
  if (gold.length !== predicted.length)
    throw new Error(`expected as many predictions as labels, got ${predicted.length} for ${gold.length}`);
  const truePositives = new Array<number>(classes).fill(0);
  const predictedCounts = new Array<number>(classes).fill(0);
  const goldCounts = new Array<number>(classes).fill(0);
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] ?? -1;
    goldCounts[g] = (goldCounts[g] ?? 0) + 1;
    predictedCounts[p] = (predictedCounts[p] ?? 0) + 1;
    if (g === p) {
      truePositives[g] = (truePositives[g] ?? 0) + 1;
      correct++;
    }
  });
  const perClass = truePositives.map((tp, c) => {
    const precision = (predictedCounts[c] ?? 0) === 0 ? 0 : tp / (predictedCounts[c] ?? 1);
    const recall = (goldCounts[c] ?? 0) === 0 ? 0 : tp / (goldCounts[c] ?? 1);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1 };
  });
  const macroF1 = perClass.reduce((sum, s) => sum + s.f1, 0) / classes;
  return { macroF1, accuracy: gold.length === 0 ? 0 : correct / gold.length, perClass };
}

/** Maps a score to a class with two cut points: below `low` negative, above `high` positive. */
export function labelByThresholds(score: number, low: number, high: number): number {
  if (score < low) return 0;
  if (score > high) return 2;
  return 1;
}

/**
 * The two cut points that maximise macro-F1 of scores against labels, searched over the
 * distinct score quantiles (at most `steps` candidates each), ties broken by the first found.
 */
export function fitThresholds(
  scores: readonly number[],
  labels: readonly number[],
  steps = 60,
): { low: number; high: number } {
  const sorted = [...new Set(scores)].sort((a, b) => a - b);
  const candidates: number[] = [];
  const stride = Math.max(1, Math.floor(sorted.length / steps));
  for (let i = 0; i < sorted.length; i += stride) {
    const here = sorted[i] ?? 0;
    const next = sorted[i + 1];
    candidates.push(next === undefined ? here : (here + next) / 2);
  }
  candidates.push((sorted[0] ?? 0) - 1);
  candidates.sort((a, b) => a - b);
  let best = { low: 0, high: 0, f1: -1 };
  for (const low of candidates) {
    for (const high of candidates) {
      if (high < low) continue;
      const f1 = scoreClassification(
        labels,
        scores.map((s) => labelByThresholds(s, low, high)),
      ).macroF1;
      if (f1 > best.f1) best = { low, high, f1 };
    }
  }
  return { low: best.low, high: best.high };
}
