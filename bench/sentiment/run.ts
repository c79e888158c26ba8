import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { SupportedLanguage } from '@tocsin/sentiment';
import { SENTIMENT_LABELS } from '@tocsin/domain';
import { SUPPORTED_LANGUAGES, analyzeSentiment, detectLanguage } from '@tocsin/sentiment';
import type { ClassificationReport } from './classification-metrics';
import { fitThresholds, labelByThresholds, scoreClassification } from './classification-metrics';
import type { PeerAnalyzer } from './peer-analyzers';
import { createPeerAnalyzers } from './peer-analyzers';
import { readTrainingRecord } from './training-record';
import { TRAINING_SOURCES, readTrainingSource } from './training-data';
import type { LabelledSplit } from './umsab-data';
import { DEFAULT_DATA_DIR, readFlag, readUmsabSplit } from './umsab-data';

interface BenchRow {
  readonly name: string;
  readonly lang: SupportedLanguage;
  readonly report: ClassificationReport;
  readonly speed: Throughput;
  readonly note: string;
}

/**
 * Mentions per second of one pass, on the wall clock and per second of this process's CPU
 * time, with the reference loop's CPU rate over the same minutes.
 */
interface Throughput {
  readonly wall: number;
  readonly cpu: number;
  readonly reference: number;
}

const MIN_TIMING_MS = 2000;
const MIN_TIMED_PASSES = 3;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

// A fixed reference workload: lower-casing and splitting the same texts into words and counting
// them. It shares the machine with the timed passes, so on a loaded VM the ratio to it stays
// meaningful when absolute rates do not.
const REFERENCE_WORD = /[\p{L}\p{N}']+/gu;

function referencePass(texts: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of text.toLowerCase().match(REFERENCE_WORD) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts.size;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * Mentions per second on this thread of each of `runs`: one warm-up pass each, then rounds of
 * one pass of each (in turn first and last, so that none always follows the same one) until the
 * time is spent, each pass followed by a pass of the reference loop; medians count, since other
 * work on a shared machine only ever slows a pass down. Runs timed together see the same load,
 * so their ratio holds on a busy machine. The CPU rate counts this process's CPU time only,
 * i.e. what one core does when the machine is shared.
 */
async function measureThroughput(
  runs: readonly ((texts: readonly string[]) => Promise<unknown> | unknown)[],
  texts: readonly string[],
  minMs = MIN_TIMING_MS,
): Promise<Throughput[]> {
  for (const run of runs) await run(texts);
  referencePass(texts);
  const samples = runs.map(() => ({ wall: [] as number[], cpu: [] as number[], reference: [] as number[] }));
  const started = performance.now();
  let round = 0;
  do {
    for (let turn = 0; turn < runs.length; turn++) {
      const r = round % 2 === 0 ? turn : runs.length - 1 - turn;
      const run = runs[r];
      const sample = samples[r];
      if (run === undefined || sample === undefined) continue;
      const passStarted = performance.now();
      const cpuStarted = process.cpuUsage();
      await run(texts);
      sample.cpu.push(texts.length / cpuSeconds(cpuStarted));
      sample.wall.push(texts.length / ((performance.now() - passStarted) / 1000));
      const referenceStarted = process.cpuUsage();
      referencePass(texts);
      sample.reference.push(texts.length / cpuSeconds(referenceStarted));
    }
    round++;
  } while (performance.now() - started < minMs * runs.length || round < MIN_TIMED_PASSES);
  return samples.map((sample) => ({
    wall: median(sample.wall),
    cpu: median(sample.cpu),
    reference: median(sample.reference),
  }));
}

async function benchTocsin(lang: SupportedLanguage, val: LabelledSplit, timed: readonly string[]): Promise<BenchRow[]> {
  const hinted = (texts: readonly string[]): number[] =>
    texts.map((text) => SENTIMENT_LABELS.indexOf(analyzeSentiment(text, { lang }).label));
  const detected = (texts: readonly string[]): number[] =>
    texts.map((text) => SENTIMENT_LABELS.indexOf(analyzeSentiment(text).label));
  const detectedShare = val.texts.filter((text) => detectLanguage(text) === lang).length / val.texts.length;
  // Timed together, pass for pass: the hint skips detection, and only the same minutes show it.
  const [hintedSpeed, detectedSpeed] = await measureThroughput([hinted, detected], timed);
  if (hintedSpeed === undefined || detectedSpeed === undefined) throw new Error('expected two throughputs');
  return [
    {
      name: 'tocsin (lang hint)',
      lang,
      report: scoreClassification(val.labels, hinted(val.texts)),
      speed: hintedSpeed,
      note: 'own label',
    },
    {
      name: 'tocsin (auto-detect)',
      lang,
      report: scoreClassification(val.labels, detected(val.texts)),
      speed: detectedSpeed,
      note: `own label; detected ${lang} on ${(100 * detectedShare).toFixed(0)}%`,
    },
  ];
}

/** Every text of the language, so a pass sees a realistic vocabulary rather than 300 tweets. */
function timingTexts(split: { readonly train: LabelledSplit; readonly val: LabelledSplit }): string[] {
  return [...split.train.texts, ...split.val.texts];
}

function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

function printTable(rows: readonly BenchRow[]): void {
  const header = [
    'analyzer',
    'lang',
    'macro-F1',
    'neg P',
    'neg R',
    'neg F1',
    'mentions/s',
    'per CPU-s',
    'reference',
    'label mapping',
  ];
  const body = rows.map((row) => {
    const negative = row.report.perClass[0] ?? { precision: 0, recall: 0, f1: 0 };
    return [
      row.name,
      row.lang,
      row.report.macroF1.toFixed(3),
      negative.precision.toFixed(3),
      negative.recall.toFixed(3),
      negative.f1.toFixed(3),
      Math.round(row.speed.wall).toLocaleString('en-US'),
      Math.round(row.speed.cpu).toLocaleString('en-US'),
      `${(row.speed.cpu / row.speed.reference).toFixed(2)}×`,
      row.note,
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((cells) => (cells[i] ?? '').length)));
  process.stdout.write(
    `${[formatRow(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((cells) => formatRow(cells, widths))].join('\n')}\n`,
  );
}

// Peers are scored on the first N tweets of each source: enough for a stable macro-F1, minutes saved.
const DOMAIN_SAMPLE = 3000;

function formatTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((cells) => (cells[i] ?? '').length)));
  return `${[formatRow(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((cells) => formatRow(cells, widths))].join('\n')}\n`;
}

/** Macro-F1 of a peer on a sample of one source, its two cut points fitted on that same sample. */
async function peerOnSource(peer: PeerAnalyzer, split: LabelledSplit): Promise<number> {
  const limit = Math.min(DOMAIN_SAMPLE, peer.trainLimit ?? DOMAIN_SAMPLE);
  const texts = split.texts.slice(0, limit);
  const labels = split.labels.slice(0, limit);
  const scores = await peer.scoreAll(texts);
  const { low, high } = fitThresholds(scores, labels);
  return scoreClassification(
    labels,
    scores.map((score) => labelByThresholds(score, low, high)),
  ).macroF1;
}

/**
 * Per source: Tocsin's out-of-fold macro-F1 from the training record (the model never saw the
 * tweets it was scored on) and UMSAB val, next to each peer on the same tweets.
 */
async function printDomainTable(dataDir: string, peers: readonly PeerAnalyzer[]): Promise<void> {
  const record = readTrainingRecord();
  const names = [...new Set(peers.map((peer) => peer.name))];
  const body: string[][] = [];
  for (const lang of SUPPORTED_LANGUAGES) {
    const languageRecord = record.languages[lang];
    if (languageRecord === undefined) continue;
    const sets: { name: string; split: LabelledSplit; tocsin: number; how: string }[] = [];
    for (const figures of languageRecord.crossValidated) {
      const source = TRAINING_SOURCES.find((s) => s.lang === lang && s.id === figures.source);
      if (source === undefined) continue;
      log(`per-domain ${lang} ${source.id}: scoring peers`);
      sets.push({
        name: source.id,
        split: readTrainingSource(dataDir, source),
        tocsin: figures.macroF1,
        how: `${languageRecord.settings.folds}-fold CV`,
      });
    }
    const val = readUmsabSplit(dataDir, lang, 'val');
    sets.push({ name: 'umsab val', split: val, tocsin: languageRecord.umsabValMacroF1, how: 'held out' });
    for (const set of sets) {
      const cells = [lang, set.name, String(set.split.texts.length), set.tocsin.toFixed(3), set.how];
      for (const name of names) {
        const peer = peers.find((p) => p.lang === lang && p.name === name);
        cells.push(peer === undefined ? '–' : (await peerOnSource(peer, set.split)).toFixed(3));
      }
      body.push(cells);
    }
  }
  process.stdout.write(
    `Per source, macro-F1. Tocsin: out-of-fold on train sources (training record), UMSAB val held out. ` +
      `Peers: first ${DOMAIN_SAMPLE} tweets (slow peers: their train limit), cut points fitted on them\n`,
  );
  process.stdout.write(formatTable(['lang', 'source', 'tweets', 'tocsin', 'tocsin is', ...names], body));
  process.stdout.write('\n');
}

function formatLoad(): string {
  return loadavg()
    .map((load) => load.toFixed(1))
    .join(' ');
}

async function main(argv: readonly string[]): Promise<void> {
  const loadAtStart = formatLoad();
  const dataDir = resolve(readFlag(argv, 'data', DEFAULT_DATA_DIR));
  const splits = new Map(
    SUPPORTED_LANGUAGES.map((lang) => [
      lang,
      { train: readUmsabSplit(dataDir, lang, 'train'), val: readUmsabSplit(dataDir, lang, 'val') },
    ]),
  );
  await printDomainTable(dataDir, createPeerAnalyzers());
  const rows: BenchRow[] = [];
  for (const lang of SUPPORTED_LANGUAGES) {
    const split = splits.get(lang);
    if (split === undefined) continue;
    log(`tocsin ${lang}: scoring ${split.val.texts.length} val mentions, timing on train + val`);
    rows.push(...(await benchTocsin(lang, split.val, timingTexts(split))));
  }
  for (const peer of createPeerAnalyzers()) {
    const split = splits.get(peer.lang);
    if (split === undefined) continue;
    const trainTexts = split.train.texts.slice(0, peer.trainLimit);
    log(`${peer.name} ${peer.lang}: fitting thresholds on ${trainTexts.length} train mentions`);
    const trainScores = await peer.scoreAll(trainTexts);
    const { low, high } = fitThresholds(trainScores, split.train.labels.slice(0, trainTexts.length));
    log(`${peer.name} ${peer.lang}: scoring ${split.val.texts.length} val mentions`);
    const valScores = await peer.scoreAll(split.val.texts);
    const report = scoreClassification(
      split.val.labels,
      valScores.map((score) => labelByThresholds(score, low, high)),
    );
    const timed = peer.timingLimit === undefined ? timingTexts(split) : split.val.texts.slice(0, peer.timingLimit);
    const [speed] = await measureThroughput(
      [(texts) => peer.scoreAll(texts)],
      timed,
      peer.timingLimit === undefined ? MIN_TIMING_MS : 0,
    );
    if (speed === undefined) throw new Error(`${peer.name}: no throughput measured`);
    const fitted = peer.trainLimit === undefined ? 'train' : `first ${trainTexts.length} train`;
    rows.push({
      name: peer.name,
      lang: peer.lang,
      report,
      speed,
      note: `score < ${low.toPrecision(3)} neg, > ${high.toPrecision(3)} pos (fit on ${fitted})`,
    });
  }
  rows.sort((a, b) => a.lang.localeCompare(b.lang) || b.report.macroF1 - a.report.macroF1);
  const reference = median(rows.map((row) => row.speed.reference));
  process.stdout.write(
    `UMSAB val (${dataDir}): quality on val; throughput = median pass over train + val texts on one thread, ` +
      `after a warm-up pass (Tocsin's hint and auto-detect passes alternated): mentions per second of wall clock ` +
      `and per second of this process's CPU time; ` +
      `reference = CPU rate over that of a word-splitting loop on the same texts, run after each pass ` +
      `(${Math.round(reference).toLocaleString('en-US')} texts/s); load average ${loadAtStart} at start, ${formatLoad()} at end\n`,
  );
  printTable(rows);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench:sentiment: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
