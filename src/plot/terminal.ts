/**
 * Histograms as text for a terminal: 1D as bars of Unicode eighth blocks, 2D as a heat map of
 * shade characters. Pure: returns a string, prints nothing.
 * @module
 */
import type { Histogram } from '../model/histogram.js';
import { cleanText, groupBins, histogramTitle, plotProblem, preparePlot, slab, type Cell, type PlotAxis, type PlotData } from './prepare.js';
import { formatEdge, formatValue, niceStep } from './ticks.js';

/** Options of {@link plotTerminal}. */
export interface TerminalPlotOptions {
  /** Longest line, in characters (default 80). No line of the result is longer. */
  width?: number;
  /** Rows of the plot area: vertical bars (default 10) or at most this many heat-map rows (default 20). */
  height?: number;
  /**
   * 1D bar direction. `auto` (default): horizontal bars (one labelled row per bin) for categorical
   * axes and up to 40 bins, vertical bars (bins merged to fit the width) beyond.
   */
  orientation?: 'auto' | 'horizontal' | 'vertical';
  /** First line; default: the histogram's metadata `label`, else `name`, else no title line. */
  title?: string;
}

/** Horizontal bar pieces: a bar grows to the right by eighths of a character. */
const LEFT_EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/** Vertical bar pieces: a bar grows upwards by eighths of a character. */
const LOWER_EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Heat-map shades, lightest first (index 0 is blank). */
const SHADES = [' ', '░', '▒', '▓', '█'];
/** Up to this many bins, `auto` draws horizontal bars. */
const HORIZONTAL_MAX_BINS = 40;

/** Length in code points (what a terminal shows for the characters we emit). */
const len = (s: string) => [...s].length;

/** Cut `s` to `width` code points, ending with an ellipsis when cut. */
function clip(s: string, width: number): string {
  const cps = [...s];
  if (cps.length <= width) return s;
  return width <= 0 ? '' : cps.slice(0, width - 1).join('') + '…';
}

const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - len(s))) + s;

function cellText(c: Cell): string {
  return c.empty ? 'empty' : formatValue(c.value);
}

/** Finite, non-empty values of some cells: [min, max], or undefined when there are none. */
function finiteRange(cells: Iterable<Cell>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cells) {
    if (c.empty || !Number.isFinite(c.value)) continue;
    lo = Math.min(lo, c.value);
    hi = Math.max(hi, c.value);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

function rangeText(quantity: string, range: [number, number] | undefined): string {
  return range ? `${quantity} (${formatValue(range[0])} to ${formatValue(range[1])})` : `${quantity} (no finite values)`;
}

/** Labels of groups of inner bins: `[lo, hi)` aligned on the comma, or categories. */
function groupLabels(ax: PlotAxis, groups: readonly [number, number][]): string[] {
  if (ax.categories) {
    return groups.map(([a, b]) => (b - a > 1 ? `${ax.categories![a]}…${ax.categories![b - 1]}` : ax.categories![a]!));
  }
  const lo = groups.map(([a]) => formatEdge(ax.edges![a]!));
  const hi = groups.map(([, b]) => formatEdge(ax.edges![b]!));
  const wl = Math.max(...lo.map(len));
  const wh = Math.max(...hi.map(len));
  return groups.map((_, i) => `[${padStart(lo[i]!, wl)}, ${padStart(hi[i]!, wh)})`);
}

/** Join `parts` with `sep` into lines of at most `width`, continuing lines with `indent`. */
function wrap(parts: readonly string[], width: number, sep = '  ', indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const p of parts) {
    if (line === '') line = p;
    else if (len(line) + len(sep) + len(p) <= width) line += sep + p;
    else {
      lines.push(line);
      line = indent + p;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `underflow: 3, overflow: 0` for the flow bins of axis k (summed over the other axes), wrapped; none without flow. */
function flowLines(data: PlotData, k: number, prefix: string, width: number): string[] {
  const ax = data.axes[k]!;
  const parts: string[] = [];
  if (ax.hasUnderflow) parts.push(`underflow: ${cellText(data.cell(slab(data, k, 0, 1)))}`);
  if (ax.hasOverflow) parts.push(`overflow: ${cellText(data.cell(slab(data, k, ax.extent - 1, ax.extent)))}`);
  if (parts.length === 0) return [];
  parts[0] = prefix + parts[0];
  return wrap(parts.map((p, i) => (i < parts.length - 1 ? p + ',' : p)), width, ' ');
}

/**
 * An x axis under `cols` columns of `w` characters, starting at text column `origin` (the corner):
 * the axis line with `┬` ticks, the tick labels, and the axis title centred under the plot.
 */
function xAxis(ax: PlotAxis, groups: readonly [number, number][], w: number, origin: number, width: number, left: string): string[] {
  const plotWidth = groups.length * w;
  const line = ['└', ...'─'.repeat(plotWidth)];
  const labels: string[] = new Array<string>(width).fill(' ');
  let lastEnd = -2;
  const place = (text: string, at: number, tick: number) => {
    const t = [...text];
    let start = origin + at - Math.floor((t.length - 1) / 2);
    start = Math.max(0, Math.min(start, width - t.length));
    if (start <= lastEnd + 1 || start < 0) return;
    t.forEach((ch, i) => (labels[start + i] = ch));
    lastEnd = start + t.length - 1;
    if (tick > 0 && tick <= plotWidth) line[tick] = '┬';
  };
  if (ax.categories) {
    groups.forEach(([a], g) => {
      const centre = g * w + 1 + Math.floor((w - 1) / 2);
      place(clip(ax.categories![a]!, Math.max(1, w - 1)), centre, centre);
    });
  } else {
    const per = groups[0] ? groups[0][1] - groups[0][0] : 1;
    const n = ax.bins;
    const widest = Math.max(len(formatEdge(ax.edges![0]!)), len(formatEdge(ax.edges![n]!)), len(formatEdge(ax.edges![Math.floor(n / 2)]!)));
    // bins between labelled edges: a 1-2-5 number giving labels room
    const stride = Math.max(1, Math.ceil(niceStep(((widest + 2) * per) / w, 1)));
    const pos = (j: number) => Math.round((j * w) / per);
    for (let j = 0; j <= n; j += stride) place(formatEdge(ax.edges![j]!), pos(j), pos(j));
    if (n % stride !== 0) place(formatEdge(ax.edges![n]!), pos(n), pos(n));
  }
  const title = clip(ax.title, width);
  const titleStart = Math.max(0, origin + 1 + Math.floor((plotWidth - len(title)) / 2));
  return [left + line.join(''), labels.join('').trimEnd(), (' '.repeat(Math.min(titleStart, width - len(title))) + title).trimEnd()];
}

function horizontal1D(data: PlotData, width: number): string[] {
  const ax = data.axes[0]!;
  const groups = groupBins(ax.bins, Infinity);
  const cells = groups.map(([a, b]) => data.cell([[ax.offset + a, ax.offset + b]]));
  const range = finiteRange(cells);
  const lo = Math.min(0, range?.[0] ?? 0);
  const hi = Math.max(0, range?.[1] ?? 0);
  const texts = cells.map(cellText);
  const V = Math.max(...texts.map(len));
  let labels = groupLabels(ax, groups);
  let L = Math.max(...labels.map(len));
  const room = width - 3 - V;
  if (room - L < 8 && L > 8) {
    L = Math.max(8, room - 8);
    labels = labels.map((l) => clip(l, L));
  }
  const B = Math.max(1, room - L);
  const neg = lo < 0 ? (hi > 0 ? Math.round((B * -lo) / (hi - lo)) : B) : 0;
  const pos = B - neg;
  const lines = wrap([ax.title.padEnd(L), rangeText(data.quantity, range)], width, '   ');
  cells.forEach((c, i) => {
    let bar: string;
    const v = c.value;
    if (c.empty || Number.isNaN(v)) bar = ' '.repeat(neg);
    else if (v < 0) {
      const n = Math.max(1, Math.min(neg, Math.round((v / lo) * neg)));
      bar = ' '.repeat(neg - n) + '█'.repeat(n);
    } else {
      const units = v > 0 ? Math.max(1, Math.min(pos * 8, Math.round((v / hi) * pos * 8))) : 0;
      bar = ' '.repeat(neg) + '█'.repeat(Math.floor(units / 8)) + LEFT_EIGHTHS[units % 8];
    }
    lines.push(`${padStart(labels[i]!, L)} │${bar} ${texts[i]}`.trimEnd());
  });
  return lines;
}

function vertical1D(data: PlotData, width: number, height: number): string[] {
  const ax = data.axes[0]!;
  const H = Math.max(1, height);
  // the y labels set the left margin, which sets how many columns the bins get: settle both
  let G = 1;
  let groups: [number, number][] = [];
  let cells: Cell[] = [];
  let range: [number, number] | undefined;
  for (let pass = 0; pass < 3; pass++) {
    groups = groupBins(ax.bins, Math.max(1, width - G - 2));
    cells = groups.map(([a, b]) => data.cell([[ax.offset + a, ax.offset + b]]));
    range = finiteRange(cells);
    const need = Math.max(len(formatValue(Math.max(0, range?.[1] ?? 0))), len(formatValue(Math.min(0, range?.[0] ?? 0))));
    if (need <= G) break;
    G = need;
  }
  const lo = Math.min(0, range?.[0] ?? 0);
  const hi = Math.max(0, range?.[1] ?? 0);
  const topLabel = formatValue(hi);
  const bottomLabel = formatValue(lo);
  const w = Math.max(1, Math.min(10, Math.floor(Math.max(1, width - G - 2) / groups.length)));
  const U = H * 8;
  const z0 = lo < 0 ? (hi > 0 ? 8 * Math.round((H * -lo) / (hi - lo)) : U) : 0;
  const tops = cells.map((c) => {
    const v = c.value;
    if (c.empty || !Number.isFinite(v) || v === 0) return z0;
    if (v > 0) return Math.min(U, Math.max(z0 + 1, z0 + Math.round((v / hi) * (U - z0))));
    return Math.max(0, Math.min(z0 - 1, z0 - Math.round((v / lo) * z0)));
  });
  const nanRow = Math.min(H - 1, z0 / 8);
  const lines = wrap([rangeText(data.quantity, range)], width);
  let anyNaN = false;
  for (let r = H - 1; r >= 0; r--) {
    let row = '';
    cells.forEach((c, g) => {
      const t = tops[g]!;
      let ch = ' ';
      if (!c.empty && Number.isNaN(c.value)) {
        anyNaN = true;
        if (r === nanRow) ch = '?';
      } else if (t > z0 && 8 * r >= z0) ch = LOWER_EIGHTHS[Math.max(0, Math.min(8, t - 8 * r))]!;
      else if (t < z0 && 8 * r + 8 <= z0) {
        const u = Math.max(0, Math.min(8, 8 * r + 8 - t));
        ch = u === 0 ? ' ' : u <= 2 ? '▔' : u <= 5 ? '▀' : '█';
      }
      row += ch.repeat(w);
    });
    const label = r === H - 1 ? topLabel : lo < 0 && hi > 0 && r === z0 / 8 && r !== H - 1 ? '0' : '';
    lines.push(`${padStart(label, G)} ${label ? '┤' : '│'}${row}`.trimEnd());
  }
  lines.push(...xAxis(ax, groups, w, G + 1, width, `${padStart(bottomLabel, G)} `));
  const per = groups[0] ? groups[0][1] - groups[0][0] : 1;
  const notes = [per > 1 ? `${per} bins per column` : '', anyNaN ? '? marks NaN bins' : ''].filter(Boolean);
  lines.push(...flowLines(data, 0, '', width));
  if (notes.length) lines.push(...wrap(notes, width, '; '));
  return lines;
}

function heatMap(data: PlotData, width: number, maxRows: number): string[] {
  const [xa, ya] = data.axes as [PlotAxis, PlotAxis];
  const yGroups = groupBins(ya.bins, Math.max(1, maxRows));
  const rh = yGroups.length * 3 <= maxRows ? 3 : yGroups.length * 2 <= maxRows ? 2 : 1;
  let rowLabels = groupLabels(ya, yGroups);
  let L = Math.max(...rowLabels.map(len), 1);
  const maxL = Math.max(4, Math.floor(width / 3));
  if (L > maxL) {
    L = maxL;
    rowLabels = rowLabels.map((l) => clip(l, L));
  }
  const C = Math.max(1, width - L - 2);
  const xGroups = groupBins(xa.bins, C);
  const catWidth = xa.categories ? Math.min(12, Math.max(...xGroups.map(([a]) => len(xa.categories![a]!))) + 1) : 0;
  const cw = Math.max(1, Math.min(Math.floor(C / xGroups.length), Math.max(2 * rh, catWidth)));
  const cells = xGroups.map(([a, b]) => yGroups.map(([c, d]) => data.cell([[xa.offset + a, xa.offset + b], [ya.offset + c, ya.offset + d]])));
  const range = finiteRange(cells.flat());
  const zeroBased = data.kind === 'sum' && (range?.[0] ?? 0) >= 0;
  const vmax = range?.[1] ?? 0;
  const vmin = zeroBased ? 0 : (range?.[0] ?? 0);
  let anyNaN = false;
  let anyEmpty = false;
  const shade = (c: Cell): string => {
    if (c.empty) {
      anyEmpty = true;
      return ' ';
    }
    const v = c.value;
    if (Number.isNaN(v)) {
      anyNaN = true;
      return '?';
    }
    if (zeroBased) return v === 0 ? ' ' : SHADES[Math.max(1, Math.min(4, Math.ceil((v / vmax) * 4)))]!;
    if (vmax === vmin) return SHADES[4]!;
    return SHADES[1 + Math.max(0, Math.min(3, Math.floor(((v - vmin) / (vmax - vmin)) * 4)))]!;
  };
  const lines = [clip(ya.title, width)];
  for (let gy = yGroups.length - 1; gy >= 0; gy--) {
    let row = '';
    for (let gx = 0; gx < xGroups.length; gx++) row += shade(cells[gx]![gy]!).repeat(cw);
    for (let k = 0; k < rh; k++) {
      const label = k === Math.floor((rh - 1) / 2) ? rowLabels[gy]! : '';
      lines.push(`${padStart(label, L)} │${row}`);
    }
  }
  lines.push(...xAxis(xa, xGroups, cw, L + 1, width, `${' '.repeat(L)} `));
  // legend: what each shade means, wrapped to the width
  const entries: string[] = [];
  if (zeroBased) {
    for (let k = 1; k <= 4; k++) entries.push(`${SHADES[k]} ≤ ${formatValue((vmax * k) / 4)}`);
    entries.push('blank 0');
  } else if (vmax === vmin) entries.push(`${SHADES[4]} ${formatValue(vmax)}`);
  else {
    for (let k = 1; k <= 4; k++) entries.push(`${SHADES[k]} ${formatValue(vmin + ((vmax - vmin) * (k - 1)) / 4)} to ${formatValue(vmin + ((vmax - vmin) * k) / 4)}`);
  }
  if (anyEmpty) entries.push('blank: no entries');
  if (anyNaN) entries.push('? NaN');
  entries[0] = `${data.quantity}:  ${entries[0]}`;
  lines.push(...wrap(entries, width));
  for (let k = 0; k < 2; k++) lines.push(...flowLines(data, k, `${data.axes[k]!.name} `, width));
  const px = xGroups[0] ? xGroups[0][1] - xGroups[0][0] : 1;
  const py = yGroups[0] ? yGroups[0][1] - yGroups[0][0] : 1;
  if (px > 1 || py > 1) lines.push(`each cell: ${px}×${py} bins`);
  return lines;
}

/**
 * Draw a 1D or 2D histogram as text that fits `width` columns: 1D as bars of eighth blocks with
 * bin labels, the value range and the flow bins on their own line; 2D as a heat map of shades
 * (` ░▒▓█`) with a legend. Mean storages draw the means (bins without entries stay blank); sparse
 * storages are densified; NaN shows as `NaN` or `?`. Histograms with no or more than two axes, or
 * without bin data, give a one-line message instead of a plot.
 *
 * @example
 * ```ts
 * import { readDocument, plotTerminal } from 'hist-serial';
 * const doc = await readDocument('histos.json');
 * console.log(plotTerminal(doc.histograms.get('mass')!, { width: process.stdout.columns ?? 80 }));
 * ```
 */
export function plotTerminal(h: Histogram, options: TerminalPlotOptions = {}): string {
  const width = Math.max(1, Math.floor(options.width ?? 80));
  const problem = plotProblem(h);
  if (problem) return clip(problem, width);
  const data = preparePlot(h);
  let lines: string[];
  if (data.axes.length === 1) {
    const ax = data.axes[0]!;
    const orientation = options.orientation ?? 'auto';
    const horizontal = orientation === 'horizontal' || (orientation === 'auto' && (ax.categories !== undefined || ax.bins <= HORIZONTAL_MAX_BINS));
    lines = horizontal ? [...horizontal1D(data, width), ...flowLines(data, 0, '', width)] : vertical1D(data, width, options.height ?? 10);
  } else {
    lines = heatMap(data, width, options.height ?? 20);
  }
  const title = options.title !== undefined ? cleanText(options.title) : histogramTitle(h);
  if (title) lines.unshift(title);
  return lines.map((l) => clip(l, width)).join('\n');
}
