import type { SpikeSignal } from '@tocsin/domain';
import { formatAmount } from '@tocsin/domain/format-amount';

/** Intervals drawn per brand: two hours of the pipeline's 1-minute intervals. */
export const TREND_INTERVALS = 120;
export const CHARTED_METRICS = ['volume', 'negativeVolume'] as const;
export type ChartedMetric = (typeof CHARTED_METRICS)[number];

/** The detector's verdicts on one interval; only intervals with a volume verdict are drawn. */
export type TrendEntry = Partial<Record<ChartedMetric, SpikeSignal>>;
export type DrawnEntry = TrendEntry & { volume: SpikeSignal };

const SVG_NS = 'http://www.w3.org/2000/svg';

export function isCharted(metric: SpikeSignal['metric']): metric is ChartedMetric {
  return (CHARTED_METRICS as readonly string[]).includes(metric);
}

function svgNode(tag: string, attributes: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** "min", "5 min", "30 s": the interval a rate is counted over. */
function perInterval(signal: SpikeSignal): string {
  const seconds = (Date.parse(signal.intervalEnd) - Date.parse(signal.intervalStart)) / 1000;
  return seconds === 60 ? 'min' : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** Bars of what was seen over the band the detector expected, right-aligned on the latest interval. */
export function createTrendChart(brandId: string, brandName: string, entries: readonly DrawnEntry[]): HTMLElement {
  const height = 100;
  const latest = entries[entries.length - 1];
  if (!latest) throw new Error(`no interval to draw for brand ${brandId}`);
  const top = Math.max(1, ...entries.map((entry) => Math.max(entry.volume.observed, entry.volume.expected))) * 1.15;
  const y = (value: number): number => height - (Math.min(Math.max(value, 0), top) / top) * height;
  const chart = svgNode('svg', { viewBox: `0 0 ${TREND_INTERVALS} ${height}`, preserveAspectRatio: 'none' });
  const firstX = TREND_INTERVALS - entries.length;
  entries.forEach(({ volume, negativeVolume }, index) => {
    const x = firstX + index;
    const bandTop = y(volume.upper);
    chart.append(
      svgNode('rect', { class: 'trend__band', x, y: bandTop, width: 1, height: y(volume.lower) - bandTop }),
      svgNode('rect', {
        class: 'trend__bar',
        'data-testid': 'trend-bar',
        x: x + 0.1,
        y: y(volume.observed),
        width: 0.8,
        height: height - y(volume.observed),
      }),
    );
    if (negativeVolume) {
      chart.append(
        svgNode('rect', {
          class: 'trend__bar trend__bar--negative',
          x: x + 0.1,
          y: y(negativeVolume.observed),
          width: 0.8,
          height: height - y(negativeVolume.observed),
        }),
      );
    }
    if (volume.alert || negativeVolume?.alert) {
      chart.append(svgNode('polygon', { class: 'trend__spike', points: `${x - 1},0 ${x + 2},0 ${x + 0.5},8` }));
    }
  });
  chart.append(
    svgNode('polyline', {
      class: 'trend__expected',
      points: entries.map((entry, index) => `${firstX + index + 0.5},${y(entry.volume.expected)}`).join(' '),
    }),
  );

  const underWay = latest.volume.since !== undefined || Boolean(latest.negativeVolume?.since);
  const negative = latest.negativeVolume ? `, ${formatAmount(latest.negativeVolume.observed)} negative` : '';
  const summary =
    `${formatAmount(latest.volume.observed)}/${perInterval(latest.volume)}${negative} · usual ${formatAmount(latest.volume.expected)}` +
    (underWay ? ' · spike under way' : '');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', `${brandName}: ${summary}`);

  const figure = document.createElement('figure');
  figure.className = underWay ? 'trend trend--spike' : 'trend';
  figure.dataset.testid = 'trend';
  figure.dataset.brand = brandId;
  const caption = document.createElement('figcaption');
  const name = document.createElement('span');
  name.textContent = brandName;
  const now = document.createElement('span');
  now.className = 'trend__now';
  now.textContent = summary;
  caption.append(name, now);
  figure.append(caption, chart);
  return figure;
}
