/**
 * Histograms as standalone SVG documents: 1D as a filled step histogram (bars for categories,
 * points for mean storages) with error bars, 2D as a colour map with a colour bar. Pure and
 * deterministic: the same histogram gives the same bytes; no scripts, fonts or external resources.
 * @module
 */
import { HistSerialError } from '../errors.js';
import type { Histogram } from '../model/histogram.js';
import { cleanText, groupBins, histogramTitle, plotProblem, preparePlot, slab, type Cell, type PlotAxis, type PlotData } from './prepare.js';
import { formatTicks, formatValue, niceTicks } from './ticks.js';
import { FONT, GRID, INK, MUTED } from './style.js';

/** Options of {@link plotSvg}. */
export interface SvgPlotOptions {
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 420 for 1D, 480 for 2D). */
  height?: number;
  /** Title; default: the histogram's metadata `label`, else `name`; `''` for none. */
  title?: string;
}

const TICK_FONT = 11;
const LABEL_FONT = 13;
const TITLE_FONT = 15;
const NOTE_FONT = 10.5;
const FILL = '#c6dbef';
const LINE = '#2166ac';
const ERR = '#08306b';
const NAN_FILL = '#bdbdbd';
/** Most cells per axis of a colour map; continuous axes with more bins are merged. */
const MAX_CELLS = 200;
/** Longest category label, in pixels, on a rotated x axis or a y axis (longer ones are cut). */
const MAX_ROTATED_LABEL = 160;
/** Most bins of a 1D plot; continuous axes with more bins are merged. */
const MAX_BINS_1D = 2000;

/** viridis (matplotlib's default colour map: perceptually uniform, readable in grey and by colour-blind readers), 11 stops. */
const VIRIDIS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'];

/** Escape text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate with at most two decimals (keeps the output small and stable). */
function f(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Approximate rendered width of text (DejaVu Sans digits and letters average about 0.6 em). */
function textWidth(text: string, size: number): number {
  return [...plain(text)].length * size * 0.6;
}

/** Cut text to about `pixels` wide, ending with an ellipsis when cut. */
function fitText(text: string, pixels: number, size: number): string {
  const max = Math.max(1, Math.floor(pixels / (size * 0.6)));
  const cps = [...plain(text)];
  return cps.length <= max ? text : cps.slice(0, max - 1).join('') + '…';
}

/** TLatex sub/superscripts `_{x}` and `^{x}` as plain text (for titles and width estimates). */
function plain(text: string): string {
  return text.replace(/([_^])\{([^{}]*)\}/g, (_, k: string, x: string) => (k === '_' ? `_${x}` : `^${x}`));
}

/** Escaped text with TLatex `_{x}` / `^{x}` as shifted, smaller tspans. */
function rich(text: string, size: number): string {
  let out = '';
  let last = 0;
  let shift = 0;
  const re = /([_^])\{([^{}]*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(last, m.index);
    if (before) out += shift ? `<tspan dy="${f(-shift)}">${escapeXml(before)}</tspan>` : escapeXml(before);
    if (before) shift = 0;
    const dy = (m[1] === '_' ? 0.3 : -0.45) * size;
    out += `<tspan dy="${f(dy - shift)}" font-size="${f(size * 0.75)}">${escapeXml(m[2]!)}</tspan>`;
    shift = dy;
    last = m.index + m[0].length;
  }
  const rest = text.slice(last);
  if (rest) out += shift ? `<tspan dy="${f(-shift)}">${escapeXml(rest)}</tspan>` : escapeXml(rest);
  return out;
}

function text(x: number, y: number, content: string, size: number, attrs = ''): string {
  const body = rich(content, size);
  // renderers drop a space at the edge of a tspan unless white space is preserved
  const space = body.includes('<tspan') ? ' xml:space="preserve"' : '';
  return `<text x="${f(x)}" y="${f(y)}" font-size="${f(size)}"${attrs ? ' ' + attrs : ''}${space}>${body}</text>`;
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** viridis colour at t in [0, 1]. */
export function viridis(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const a = hexToRgb(VIRIDIS[i]!);
  const b = hexToRgb(VIRIDIS[i + 1]!);
  const u = x - i;
  return '#' + a.map((c, k) => Math.round(c + (b[k]! - c) * u).toString(16).padStart(2, '0')).join('');
}

/** How one axis maps to pixels: continuous (linear in the edge value) or categorical (equal bands). */
interface Scale {
  /** Pixel of the low side of inner bin `i` (continuous: edge i; categorical: band start). */
  at(i: number): number;
  /** Pixel of a value (continuous axes). */
  value(v: number): number;
  ticks: { pos: number; label: string }[];
}

function axisScale(ax: PlotAxis, p0: number, p1: number, size: number, fontSize: number): Scale {
  if (ax.categories) {
    const n = ax.bins;
    const band = (p1 - p0) / n;
    const at = (i: number) => p0 + i * band;
    // label every category that has room (about 1.3 line heights apart)
    const stride = Math.max(1, Math.ceil((fontSize * 1.3) / Math.abs(band)));
    const ticks = [];
    for (let i = 0; i < n; i += stride) ticks.push({ pos: at(i + 0.5), label: ax.categories[i]! });
    return { at, value: at, ticks };
  }
  const e = ax.edges!;
  const lo = e[0]!;
  const hi = e[e.length - 1]!;
  const value = (v: number) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0);
  let count = Math.max(2, Math.floor(size / 70));
  let t = niceTicks(lo, hi, count);
  // fewer ticks until the widest label fits between two ticks
  while (count > 1) {
    const widest = Math.max(...formatTicks(t.values, t.step).map((l) => textWidth(l, fontSize)));
    const gap = (Math.abs(p1 - p0) * t.step) / (hi - lo);
    if (widest + 10 <= gap || t.values.length <= 2) break;
    count--;
    t = niceTicks(lo, hi, count);
  }
  const labels = formatTicks(t.values, t.step);
  return { at: (i) => value(e[i]!), value, ticks: t.values.map((v, k) => ({ pos: value(v), label: labels[k]! })) };
}

/** A 1-2-5 linear scale over [lo, hi] for values. */
function valueTicks(lo: number, hi: number, pixels: number) {
  const t = niceTicks(lo, hi, Math.max(2, Math.floor(pixels / 45)));
  const labels = formatTicks(t.values, t.step);
  return t.values.map((v, k) => ({ v, label: labels[k]! }));
}

function cellNote(c: Cell): string {
  return c.empty ? 'empty' : formatValue(c.value);
}

/** `underflow 0 · overflow 775` for axis k (flow bins summed over the other axes), or ''. */
function flowNote(data: PlotData, k: number): string {
  const ax = data.axes[k]!;
  const parts: string[] = [];
  if (ax.hasUnderflow) parts.push(`underflow ${cellNote(data.cell(slab(data, k, 0, 1)))}`);
  if (ax.hasOverflow) parts.push(`overflow ${cellNote(data.cell(slab(data, k, ax.extent - 1, ax.extent)))}`);
  return parts.join(', ');
}

interface Frame {
  W: number;
  H: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function open(W: number, H: number, title: string | undefined): string[] {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" fill="${INK}" role="img">`,
    `<title>${escapeXml(plain(title ?? 'histogram'))}</title>`,
    `<rect class="background" width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
}

/** Note parts joined with `sep` into lines of at most `pixels` (a part too long alone is cut). */
function noteLines(parts: readonly string[], pixels: number, sep = ' · '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const p of parts.filter(Boolean)) {
    if (line && textWidth(line + sep + p, NOTE_FONT) <= pixels) line += sep + p;
    else {
      if (line) lines.push(line);
      line = fitText(p, pixels, NOTE_FONT);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Pixels above the plot: the title and the note lines. */
function topMargin(title: string | undefined, notes: readonly string[]): number {
  return (title ? 38 : 14) + 14 * notes.length;
}

/** Title, note lines, frame, x ticks and labels, y ticks and labels. */
function decorations(fr: Frame, title: string | undefined, notes: readonly string[], xs: Scale, xTitle: string, rotateX: boolean, yTicks: { pos: number; label: string }[], yTitle: string, yLabelX: number): string[] {
  const out: string[] = [];
  const cx = (fr.x0 + fr.x1) / 2;
  if (title) {
    // centred over the plot, cut to stay inside the picture (bold glyphs are about 0.7 em wide)
    const room = 2 * Math.min(cx, fr.W - cx) - 20;
    const fitted = fitText(title, (room * 0.6) / 0.7, TITLE_FONT);
    out.push(text(cx, 24, fitted, TITLE_FONT, 'class="title" text-anchor="middle" font-weight="bold"'));
  }
  notes.forEach((note, i) => out.push(text(fr.x1, fr.y0 - 7 - 14 * (notes.length - 1 - i), note, NOTE_FONT, `class="note" text-anchor="end" fill="${MUTED}"`)));
  out.push(`<rect class="frame" x="${f(fr.x0)}" y="${f(fr.y0)}" width="${f(fr.x1 - fr.x0)}" height="${f(fr.y1 - fr.y0)}" fill="none" stroke="${INK}" stroke-width="1"/>`);
  // x axis
  out.push(`<g class="x-axis">`);
  let d = '';
  for (const t of xs.ticks) d += `M${f(t.pos)} ${f(fr.y1)}v5`;
  if (d) out.push(`<path class="ticks" d="${d}" stroke="${INK}"/>`);
  let lowest = fr.y1 + 8 + TICK_FONT;
  for (const t of xs.ticks) {
    if (rotateX) out.push(text(t.pos, fr.y1 + 10, fitText(t.label, MAX_ROTATED_LABEL, TICK_FONT), TICK_FONT, `class="tick-label" text-anchor="end" dominant-baseline="hanging" transform="rotate(-45 ${f(t.pos)} ${f(fr.y1 + 10)})"`));
    else out.push(text(t.pos, fr.y1 + 8 + TICK_FONT, t.label, TICK_FONT, 'class="tick-label" text-anchor="middle"'));
  }
  if (rotateX) lowest = fr.y1 + 10 + Math.min(MAX_ROTATED_LABEL, Math.max(...xs.ticks.map((t) => textWidth(t.label, TICK_FONT)))) * 0.71 + TICK_FONT * 0.71;
  out.push(text(cx, Math.min(fr.H - 8, lowest + 10 + LABEL_FONT), xTitle, LABEL_FONT, 'class="axis-label" text-anchor="middle"'));
  out.push('</g>');
  // y axis
  out.push(`<g class="y-axis">`);
  d = '';
  for (const t of yTicks) d += `M${f(fr.x0)} ${f(t.pos)}h-5`;
  if (d) out.push(`<path class="ticks" d="${d}" stroke="${INK}"/>`);
  for (const t of yTicks) out.push(text(fr.x0 - 8, t.pos + TICK_FONT * 0.35, fitText(t.label, MAX_ROTATED_LABEL + 1, TICK_FONT), TICK_FONT, 'class="tick-label" text-anchor="end"'));
  const cy = (fr.y0 + fr.y1) / 2;
  out.push(text(yLabelX, cy, yTitle, LABEL_FONT, `class="axis-label" text-anchor="middle" transform="rotate(-90 ${f(yLabelX)} ${f(cy)})"`));
  out.push('</g>');
  return out;
}

/** Does a categorical x axis need its labels rotated to fit? */
function needsRotation(ax: PlotAxis, plotWidth: number): boolean {
  if (!ax.categories) return false;
  const band = plotWidth / ax.bins;
  return Math.max(...ax.categories.map((c) => textWidth(c, TICK_FONT))) + 6 > band;
}

function bottomMargin(ax: PlotAxis, rotate: boolean): number {
  const labels = rotate ? Math.min(MAX_ROTATED_LABEL, Math.max(...ax.categories!.map((c) => textWidth(c, TICK_FONT)))) * 0.71 + TICK_FONT : TICK_FONT;
  return 8 + labels + 12 + LABEL_FONT + 10;
}

function plot1D(data: PlotData, W: number, H: number, title: string | undefined): string[] {
  const ax = data.axes[0]!;
  const groups = ax.categories ? groupBins(ax.bins, Infinity) : groupBins(ax.bins, MAX_BINS_1D);
  const cells = groups.map(([a, b]) => data.cell([[ax.offset + a, ax.offset + b]]));
  const mean = data.kind === 'mean';
  let lo = Infinity;
  let hi = -Infinity;
  let nan = 0;
  for (const c of cells) {
    if (c.empty) continue;
    if (!Number.isFinite(c.value)) {
      nan++;
      continue;
    }
    const e = c.error !== undefined && Number.isFinite(c.error) ? c.error : 0;
    lo = Math.min(lo, c.value - e);
    hi = Math.max(hi, c.value + e);
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  if (mean) {
    if (lo === hi) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1];
    const pad = (hi - lo) * 0.08;
    [lo, hi] = [lo - pad, hi + pad];
  } else {
    [lo, hi] = [Math.min(0, lo), Math.max(0, hi)];
    if (lo === hi) hi = 1;
    const span = hi - lo;
    if (hi > 0) hi += span * 0.05;
    if (lo < 0) lo -= span * 0.05;
  }
  const x1 = W - 20;
  const notes = noteLines(
    [flowNote(data, 0), nan ? `${nan} NaN bin${nan > 1 ? 's' : ''} not drawn` : '', groups[0] && groups[0][1] - groups[0][0] > 1 ? `${groups[0][1] - groups[0][0]} bins merged per step` : ''],
    x1 - 10,
  );
  const top = topMargin(title, notes);
  // the y tick labels set the left margin
  const yTicksV = valueTicks(lo, hi, H - top - 60);
  const yLabelW = Math.max(...yTicksV.map((t) => textWidth(t.label, TICK_FONT)));
  const x0 = Math.round(14 + LABEL_FONT + 10 + yLabelW + 8);
  const rotate = needsRotation(ax, x1 - x0);
  const y1 = Math.round(H - bottomMargin(ax, rotate));
  const y0 = top;
  const fr: Frame = { W, H, x0, x1, y0, y1 };
  const xs = axisScale(ax, x0, x1, x1 - x0, TICK_FONT);
  const y = (v: number) => y1 - ((v - lo) / (hi - lo)) * (y1 - y0);
  const yTicks = yTicksV.map((t) => ({ pos: y(t.v), label: t.label }));

  const out: string[] = [];
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="1">`);
  for (const t of yTicks) out.push(`<line x1="${f(x0)}" x2="${f(x1)}" y1="${f(t.pos)}" y2="${f(t.pos)}"/>`);
  out.push('</g>');
  const base = y(Math.max(lo, Math.min(hi, 0)));
  const xAt = (i: number) => (ax.categories ? xs.at(i) : xs.at(groups[i]![0]));
  const xEnd = (i: number) => (ax.categories ? xs.at(i + 1) : xs.at(groups[i]![1]));
  const errLines: string[] = [];
  const errLine = (c: Cell, xc: number) => {
    if (c.error === undefined || !(c.error > 0) || !Number.isFinite(c.error)) return;
    errLines.push(`<line class="err" x1="${f(xc)}" x2="${f(xc)}" y1="${f(y(c.value - c.error))}" y2="${f(y(c.value + c.error))}"/>`);
  };
  out.push('<g class="data">');
  if (mean) {
    const points: string[] = [];
    cells.forEach((c, i) => {
      if (c.empty || !Number.isFinite(c.value)) return;
      const a = xAt(i);
      const b = xEnd(i);
      const xc = (a + b) / 2;
      // continuous axes: a horizontal line spans the bin, as ROOT and mplhep draw profiles
      if (!ax.categories) errLines.push(`<line class="xerr" x1="${f(a)}" x2="${f(b)}" y1="${f(y(c.value))}" y2="${f(y(c.value))}"/>`);
      errLine(c, xc);
      points.push(`<circle class="point" cx="${f(xc)}" cy="${f(y(c.value))}" r="3"/>`);
    });
    out.push(`<g class="errors" stroke="${ERR}" stroke-width="1.3">`, ...errLines, '</g>');
    out.push(`<g class="points" fill="${ERR}">`, ...points, '</g>');
  } else if (ax.categories) {
    const bars: string[] = [];
    cells.forEach((c, i) => {
      if (!Number.isFinite(c.value)) return;
      const a = xAt(i);
      const b = xEnd(i);
      const pad = (b - a) * 0.12;
      const yv = y(c.value);
      bars.push(`<rect class="bar" x="${f(a + pad)}" y="${f(Math.min(yv, base))}" width="${f(b - a - 2 * pad)}" height="${f(Math.abs(base - yv))}"/>`);
      errLine(c, (a + b) / 2);
    });
    out.push(`<g class="bars" fill="${FILL}" stroke="${LINE}" stroke-width="1.2">`, ...bars, '</g>');
    out.push(`<g class="errors" stroke="${ERR}" stroke-width="1.3">`, ...errLines, '</g>');
  } else {
    // one filled area and one outline; NaN and infinite bins break both
    let fill = '';
    let step = '';
    let i = 0;
    while (i < cells.length) {
      if (!Number.isFinite(cells[i]!.value)) {
        i++;
        continue;
      }
      let j = i;
      fill += `M${f(xAt(i))} ${f(base)}`;
      step += `M${f(xAt(i))} ${f(base)}`;
      while (j < cells.length && Number.isFinite(cells[j]!.value)) {
        const yv = f(y(cells[j]!.value));
        fill += `V${yv}H${f(xEnd(j))}`;
        step += `V${yv}H${f(xEnd(j))}`;
        errLine(cells[j]!, (xAt(j) + xEnd(j)) / 2);
        j++;
      }
      fill += `V${f(base)}Z`;
      step += `V${f(base)}`;
      i = j;
    }
    if (fill) {
      out.push(`<path class="fill" d="${fill}" fill="${FILL}" stroke="none"/>`);
      out.push(`<path class="step" d="${step}" fill="none" stroke="${LINE}" stroke-width="1.5" stroke-linejoin="miter"/>`);
    }
    out.push(`<g class="errors" stroke="${ERR}" stroke-width="1.3">`, ...errLines, '</g>');
  }
  out.push('</g>');
  out.push(...decorations(fr, title, notes, xs, ax.title, rotate, yTicks, data.quantity, 14 + LABEL_FONT * 0.8));
  return out;
}

function plot2D(data: PlotData, W: number, H: number, title: string | undefined): string[] {
  const [xa, ya] = data.axes as [PlotAxis, PlotAxis];
  const xg = xa.categories ? groupBins(xa.bins, Infinity) : groupBins(xa.bins, MAX_CELLS);
  const yg = ya.categories ? groupBins(ya.bins, Infinity) : groupBins(ya.bins, MAX_CELLS);
  const cells = xg.map(([a, b]) => yg.map(([c, d]) => data.cell([[xa.offset + a, xa.offset + b], [ya.offset + c, ya.offset + d]])));
  let lo = Infinity;
  let hi = -Infinity;
  let nan = 0;
  let empty = 0;
  for (const c of cells.flat()) {
    if (c.empty) {
      empty++;
      continue;
    }
    if (!Number.isFinite(c.value)) {
      if (Number.isNaN(c.value)) nan++;
      continue;
    }
    lo = Math.min(lo, c.value);
    hi = Math.max(hi, c.value);
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  const zeroBased = data.kind === 'sum' && lo >= 0;
  if (zeroBased) lo = 0;
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];

  // colour bar and its labels on the right
  const cTicksV = valueTicks(lo, hi, H - 120);
  const cLabelW = Math.max(...cTicksV.map((t) => textWidth(t.label, TICK_FONT)));
  const barW = 14;
  const x1 = Math.round(W - (16 + barW + 7 + cLabelW + 10 + LABEL_FONT + 10));
  const flows = [0, 1].map((k) => {
    const n = flowNote(data, k);
    return n ? `${data.axes[k]!.name} ${n}` : '';
  });
  const mx = xg[0] ? xg[0][1] - xg[0][0] : 1;
  const my = yg[0] ? yg[0][1] - yg[0][0] : 1;
  const flowParts = flows.filter(Boolean);
  const notes = noteLines(
    [...flowParts.map((p, i) => (i === 0 ? `flow (not drawn): ${p}` : p)), nan ? 'grey: NaN' : '', empty ? 'white: no entries' : '', mx > 1 || my > 1 ? `cells merge ${mx}×${my} bins` : ''],
    x1 - 10,
  );
  const top = topMargin(title, notes);
  // y axis labels on the left: numbers, or category names
  const yLabelW = ya.categories ? Math.min(MAX_ROTATED_LABEL, Math.max(...ya.categories.map((c) => textWidth(c, TICK_FONT)))) : 0;
  const provisional = ya.categories ? undefined : axisScale(ya, 400, 0, 400, TICK_FONT);
  const yTickW = provisional ? Math.max(...provisional.ticks.map((t) => textWidth(t.label, TICK_FONT))) : yLabelW;
  const x0 = Math.round(14 + LABEL_FONT + 10 + yTickW + 8);
  const rotate = needsRotation(xa, x1 - x0);
  const y1 = Math.round(H - bottomMargin(xa, rotate));
  const y0 = top;
  const fr: Frame = { W, H, x0, x1, y0, y1 };
  const xs = axisScale(xa, x0, x1, x1 - x0, TICK_FONT);
  const ys = axisScale(ya, y1, y0, y1 - y0, TICK_FONT);

  const out: string[] = [];
  const rects: string[] = [];
  const nanRects: string[] = [];
  const t = (v: number) => (v - lo) / (hi - lo);
  xg.forEach(([a, b], gx) => {
    const xa0 = xa.categories ? xs.at(gx) : xs.at(a);
    const xa1 = xa.categories ? xs.at(gx + 1) : xs.at(b);
    yg.forEach(([c, d], gy) => {
      const cell = cells[gx]![gy]!;
      if (cell.empty) return;
      const top = ya.categories ? ys.at(gy + 1) : ys.at(d);
      const bottom = ya.categories ? ys.at(gy) : ys.at(c);
      const geom = `x="${f(xa0)}" y="${f(top)}" width="${f(xa1 - xa0)}" height="${f(bottom - top)}"`;
      if (Number.isNaN(cell.value)) nanRects.push(`<rect class="nan" ${geom}/>`);
      else if (!(zeroBased && cell.value === 0)) rects.push(`<rect class="cell" ${geom} fill="${viridis(t(cell.value))}"/>`);
    });
  });
  out.push('<g class="data" shape-rendering="crispEdges">', ...rects);
  if (nanRects.length) out.push(`<g fill="${NAN_FILL}">`, ...nanRects, '</g>');
  out.push('</g>');
  out.push(...decorations(fr, title, notes, xs, xa.title, rotate, ys.ticks, ya.title, 14 + LABEL_FONT * 0.8));
  // colour bar
  const bx = x1 + 16;
  out.push('<g class="colorbar">');
  out.push('<defs><linearGradient id="hist-serial-viridis" x1="0" y1="1" x2="0" y2="0">');
  VIRIDIS.forEach((c, i) => out.push(`<stop offset="${f(i / (VIRIDIS.length - 1))}" stop-color="${c}"/>`));
  out.push('</linearGradient></defs>');
  out.push(`<rect x="${f(bx)}" y="${f(y0)}" width="${barW}" height="${f(y1 - y0)}" fill="url(#hist-serial-viridis)" stroke="${INK}" stroke-width="1"/>`);
  const cy = (v: number) => y1 - t(v) * (y1 - y0);
  let d = '';
  for (const tk of cTicksV) d += `M${f(bx + barW)} ${f(cy(tk.v))}h4`;
  if (d) out.push(`<path class="ticks" d="${d}" stroke="${INK}"/>`);
  for (const tk of cTicksV) out.push(text(bx + barW + 7, cy(tk.v) + TICK_FONT * 0.35, tk.label, TICK_FONT, 'class="tick-label"'));
  const lx = bx + barW + 7 + cLabelW + 10 + LABEL_FONT * 0.8;
  const ly = (y0 + y1) / 2;
  out.push(text(lx, ly, data.quantity, LABEL_FONT, `class="axis-label" text-anchor="middle" transform="rotate(-90 ${f(lx)} ${f(ly)})"`));
  out.push('</g>');
  return out;
}

/**
 * Draw a 1D or 2D histogram as a standalone SVG document (UTF-8 text).
 *
 * 1D: a filled step histogram (bars for categorical axes) with error bars of sqrt(variances) for
 * weighted storage; mean storages as points with the error on the mean (sqrt(variance / n_eff)).
 * 2D: a colour map (viridis) with a colour bar; bins holding 0 are left white, NaN bins grey.
 * Axis labels come from axis metadata `label` or `name` (ROOT's `#mu` and `_{T}` are rendered),
 * the title from the histogram's; flow bins are summarised in a note above the plot.
 *
 * @throws HistSerialError `UNSUPPORTED_OPERATION` for histograms with no or more than two axes or without bin data.
 * @example
 * ```ts
 * import { readDocument, plotSvg, writeFileAtomic } from 'hist-serial';
 * const doc = await readDocument('histos.json');
 * await writeFileAtomic('mass.svg', new TextEncoder().encode(plotSvg(doc.histograms.get('mass')!)));
 * ```
 */
export function plotSvg(h: Histogram, options: SvgPlotOptions = {}): string {
  const problem = plotProblem(h);
  if (problem) throw new HistSerialError('UNSUPPORTED_OPERATION', problem);
  const data = preparePlot(h);
  const W = Math.max(200, Math.round(options.width ?? 640));
  const H = Math.max(150, Math.round(options.height ?? (data.axes.length === 2 ? 480 : 420)));
  const title = options.title !== undefined ? cleanText(options.title) : histogramTitle(h);
  const body = data.axes.length === 1 ? plot1D(data, W, H, title || undefined) : plot2D(data, W, H, title || undefined);
  return [...open(W, H, title || undefined), ...body, '</svg>', ''].join('\n');
}
