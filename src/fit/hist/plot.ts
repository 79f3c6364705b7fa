/**
 * A histogram fit as a standalone SVG document: the data as points with error bars, the fitted
 * curve and its components, a legend with the fitted parameters, and a panel of pulls
 * (data − fit) / σ per bin below. Pure and deterministic: no scripts, fonts or external resources.
 * No IO here.
 * @module
 */
import { cleanText } from '../../plot/prepare.js';
import { escapeXml } from '../../plot/svg.js';
import { formatTicks, niceTicks } from '../../plot/ticks.js';
import type { HistFitResult } from './fit.js';
import { parseHistModel } from './model.js';
import { FONT, GRID, INK, MUTED } from '../../plot/style.js';

/** Options of {@link plotHistFit}. */
export interface HistFitPlotOptions {
  /** Width in pixels (default 780). */
  width?: number;
  /** Height in pixels (default 560). */
  height?: number;
  /** Title (default: the model string); `''` for none. */
  title?: string;
  /** Label of the x axis (default `x`). */
  xLabel?: string;
}

const DATA = '#111111';
const TOTAL = '#d7301f';
/** Component colours (Okabe-Ito, readable by colour-blind readers). */
const COMPONENT_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000'];
const PULL_FILL = '#9ecae1';
const TICK = 11;
const LABEL = 13;
const SMALL = 10.5;
/** Points of the drawn curves. */
const CURVE_POINTS = 600;

/** A coordinate with at most two decimals. */
function f(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function text(x: number, y: number, content: string, size: number, attrs = ''): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${size}"${attrs ? ' ' + attrs : ''}>${escapeXml(content)}</text>`;
}

/**
 * `value ± error` with the error to two significant digits and the value to the same decimal place
 * (`5.1999 ± 0.0040`); exponent notation for very large or small numbers.
 *
 * @example
 * ```ts
 * formatMeasurement(20149.2, 193.0); // '20149 ± 193'
 * ```
 */
export function formatMeasurement(value: number, error: number): string {
  if (!(error > 0) || !Number.isFinite(error)) return `${Number(value.toPrecision(6))}`;
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(error)));
  if (decimals > 8 || Math.abs(value) >= 1e7) return `${value.toExponential(3)} ± ${error.toExponential(1)}`;
  return `${value.toFixed(decimals)} ± ${error.toFixed(decimals)}`;
}

/** TLatex sub/superscripts `_{x}` and `^{x}` as plain text (`_x`, `^x`). */
function plain(text: string): string {
  return text.replace(/([_^])\{([^{}]*)\}/g, '$1$2');
}

/** Cut text to `max` characters, ending with an ellipsis when cut. */
function cut(text: string, max: number): string {
  const cps = [...text];
  return cps.length <= max ? text : cps.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** Ticks of a linear axis: positions and labels. */
function ticks(lo: number, hi: number, count: number): { v: number; label: string }[] {
  const t = niceTicks(lo, hi, count);
  const labels = formatTicks(t.values, t.step);
  return t.values.map((v, i) => ({ v, label: labels[i]! }));
}

/**
 * Draw a histogram fit as an SVG document: data points with error bars (√n for a Poisson fit,
 * the χ² fit's σ otherwise), the fitted curve (solid) and each component (dashed), per bin when the
 * bins have one width ("events / bin") and per unit of x otherwise, a legend with the parameters and
 * the goodness of fit on the right, and the pulls (n − μ)/σ per bin in a panel below.
 *
 * @example
 * ```ts
 * const fit = fitHistogram(h, 'gauss+expo');
 * writeFileSync('fit.svg', plotHistFit(fit, { xLabel: 'm [GeV]' }));
 * ```
 */
export function plotHistFit(fit: HistFitResult, options: HistFitPlotOptions = {}): string {
  const W = Math.max(480, Math.round(options.width ?? 780));
  const H = Math.max(360, Math.round(options.height ?? 560));
  const title = plain(cleanText(options.title ?? fit.model));
  const xLabel = plain(cleanText(options.xLabel ?? 'x'));
  const { edges, values, expected } = fit;
  const n = values.length;
  const [lo, hi] = fit.range;
  const model = parseHistModel(fit.model, fit.range);
  const x = Float64Array.from(fit.parameters, (p) => p.value);
  const widths = Array.from({ length: n }, (_, i) => edges[i + 1]! - edges[i]!);
  const uniform = widths.every((w) => Math.abs(w - widths[0]!) <= 1e-9 * Math.abs(widths[0]!));
  // what is drawn: events per bin (uniform bins) or per unit of x
  const scale = (i: number) => (uniform ? 1 : 1 / widths[i]!);
  const curveScale = uniform ? widths[0]! : 1;
  const sigmaData = (i: number) => {
    if (fit.statistic === 'chi2') {
      if (fit.chi2Errors === 'variances' && fit.variances) return Math.sqrt(Math.max(0, fit.variances[i]!));
      if (fit.chi2Errors === 'pearson') return Math.sqrt(Math.max(0, expected[i]!));
    }
    return Math.sqrt(Math.max(0, fit.variances && fit.statistic === 'chi2' ? fit.variances[i]! : values[i]!));
  };
  // pulls: Poisson (n − μ)/√μ; χ² (n − μ)/σ
  const pulls = Array.from({ length: n }, (_, i) => {
    const s = fit.statistic === 'poisson' ? Math.sqrt(Math.max(expected[i]!, 1e-300)) : sigmaData(i);
    return s > 0 ? (values[i]! - expected[i]!) / s : 0;
  });

  // curves on a fine grid, plus every bin edge so steps in variable binning stay sharp
  const grid: number[] = [];
  for (let k = 0; k <= CURVE_POINTS; k++) grid.push(lo + ((hi - lo) * k) / CURVE_POINTS);
  const total = grid.map((v) => model.density(v, x) * curveScale);
  const parts = model.components.map((_, c) => grid.map((v) => model.density(v, x, c) * curveScale));

  // value range of the main panel
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, (values[i]! + sigmaData(i)) * scale(i));
  for (const v of total) if (Number.isFinite(v)) top = Math.max(top, v);
  let bottom = 0;
  for (let i = 0; i < n; i++) bottom = Math.min(bottom, (values[i]! - sigmaData(i)) * scale(i));
  if (!(top > bottom)) top = bottom + 1;
  top += (top - bottom) * 0.06;

  // layout: title, main panel, pull panel, x axis; legend column on the right
  const legendW = 230;
  const x0 = 74;
  const x1 = W - legendW - 14;
  const y0 = title ? 40 : 16;
  const xAxisH = 48;
  const pullH = Math.round((H - y0 - xAxisH) * 0.24);
  const gap = 8;
  const mainY1 = H - xAxisH - pullH - gap;
  const pullY0 = mainY1 + gap;
  const pullY1 = H - xAxisH;
  const px = (v: number) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0);
  const py = (v: number) => mainY1 - ((v - bottom) / (top - bottom)) * (mainY1 - y0);
  const pullMax = Math.max(3, Math.ceil(Math.max(...pulls.map((p) => Math.abs(p)).filter(Number.isFinite), 0)));
  const qy = (v: number) => pullY1 - ((v + pullMax) / (2 * pullMax)) * (pullY1 - pullY0);

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" fill="${INK}" role="img">`,
    `<title>${escapeXml(title || 'histogram fit')}</title>`,
    `<rect class="background" width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
  if (title) out.push(text((x0 + x1) / 2, 24, title, 15, 'class="title" text-anchor="middle" font-weight="bold"'));

  // main panel: grid, ticks
  const yTicks = ticks(bottom, top, Math.max(2, Math.floor((mainY1 - y0) / 45)));
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="1">`);
  for (const t of yTicks) out.push(`<line x1="${f(x0)}" x2="${f(x1)}" y1="${f(py(t.v))}" y2="${f(py(t.v))}"/>`);
  out.push('</g>');
  out.push(`<g class="y-axis">`);
  out.push(`<path class="ticks" d="${yTicks.map((t) => `M${f(x0)} ${f(py(t.v))}h-5`).join('')}" stroke="${INK}"/>`);
  for (const t of yTicks) out.push(text(x0 - 8, py(t.v) + TICK * 0.35, t.label, TICK, 'class="tick-label" text-anchor="end"'));
  const yTitle = uniform ? `events / ${Number(widths[0]!.toPrecision(4))}` : 'events / unit';
  const ly = (y0 + mainY1) / 2;
  out.push(text(16, ly, yTitle, LABEL, `class="axis-label" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 16 ${f(ly)})"`));
  out.push('</g>');

  // components (dashed), total (solid)
  const path = (ys: readonly number[]) => {
    let d = '';
    let pen = false;
    ys.forEach((v, k) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      const yy = Math.max(y0 - 2, Math.min(mainY1 + 2, py(v)));
      d += `${pen ? 'L' : 'M'}${f(px(grid[k]!))} ${f(yy)}`;
      pen = true;
    });
    return d;
  };
  out.push(`<g class="curves" fill="none" stroke-linejoin="round">`);
  if (model.components.length > 1) {
    parts.forEach((ys, c) => out.push(`<path class="component" d="${path(ys)}" stroke="${COMPONENT_COLOURS[c % COMPONENT_COLOURS.length]}" stroke-width="1.6" stroke-dasharray="6 4"/>`));
  }
  out.push(`<path class="fit" d="${path(total)}" stroke="${TOTAL}" stroke-width="2"/>`);
  out.push('</g>');

  // data: error bars and points
  out.push(`<g class="data" stroke="${DATA}" fill="${DATA}">`);
  for (let i = 0; i < n; i++) {
    const xc = px(0.5 * (edges[i]! + edges[i + 1]!));
    const v = values[i]! * scale(i);
    const e = sigmaData(i) * scale(i);
    if (e > 0) out.push(`<line class="err" x1="${f(xc)}" x2="${f(xc)}" y1="${f(py(v - e))}" y2="${f(py(v + e))}" stroke-width="1.2"/>`);
    out.push(`<circle class="point" cx="${f(xc)}" cy="${f(py(v))}" r="2.4" stroke="none"/>`);
  }
  out.push('</g>');
  out.push(`<rect class="frame" x="${f(x0)}" y="${f(y0)}" width="${f(x1 - x0)}" height="${f(mainY1 - y0)}" fill="none" stroke="${INK}"/>`);

  // pull panel
  const pTicks = ticks(-pullMax, pullMax, 4);
  out.push(`<g class="pulls">`);
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="1">`);
  for (const t of pTicks) out.push(`<line x1="${f(x0)}" x2="${f(x1)}" y1="${f(qy(t.v))}" y2="${f(qy(t.v))}"/>`);
  out.push('</g>');
  out.push(`<g class="pull-bars" fill="${PULL_FILL}" stroke="#3182bd" stroke-width="0.6">`);
  for (let i = 0; i < n; i++) {
    const p = pulls[i]!;
    if (!Number.isFinite(p) || p === 0) continue;
    const a = px(edges[i]!);
    const b = px(edges[i + 1]!);
    const ya = qy(Math.max(0, p));
    const yb = qy(Math.min(0, p));
    out.push(`<rect class="pull" x="${f(a)}" y="${f(ya)}" width="${f(Math.max(0.5, b - a))}" height="${f(Math.max(0.5, yb - ya))}"/>`);
  }
  out.push('</g>');
  out.push(`<line x1="${f(x0)}" x2="${f(x1)}" y1="${f(qy(0))}" y2="${f(qy(0))}" stroke="${INK}" stroke-width="0.8"/>`);
  out.push(`<path class="ticks" d="${pTicks.map((t) => `M${f(x0)} ${f(qy(t.v))}h-5`).join('')}" stroke="${INK}"/>`);
  for (const t of pTicks) out.push(text(x0 - 8, qy(t.v) + TICK * 0.35, t.label, TICK, 'class="tick-label" text-anchor="end"'));
  const qyMid = (pullY0 + pullY1) / 2;
  out.push(text(16, qyMid, 'pull', LABEL, `class="axis-label" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 16 ${f(qyMid)})"`));
  out.push(`<rect class="frame" x="${f(x0)}" y="${f(pullY0)}" width="${f(x1 - x0)}" height="${f(pullY1 - pullY0)}" fill="none" stroke="${INK}"/>`);
  out.push('</g>');

  // x axis below the pull panel
  const xTicks = ticks(lo, hi, Math.max(2, Math.floor((x1 - x0) / 70)));
  out.push(`<g class="x-axis">`);
  out.push(`<path class="ticks" d="${xTicks.map((t) => `M${f(px(t.v))} ${f(pullY1)}v5M${f(px(t.v))} ${f(mainY1)}v-5`).join('')}" stroke="${INK}"/>`);
  for (const t of xTicks) out.push(text(px(t.v), pullY1 + 8 + TICK, t.label, TICK, 'class="tick-label" text-anchor="middle"'));
  out.push(text((x0 + x1) / 2, H - 10, xLabel, LABEL, 'class="axis-label" text-anchor="middle"'));
  out.push('</g>');

  // legend and parameters
  const lx = x1 + 16;
  let yy = y0 + 12;
  out.push(`<g class="legend">`);
  out.push(`<line x1="${f(lx + 9)}" x2="${f(lx + 9)}" y1="${f(yy - 7)}" y2="${f(yy + 5)}" stroke="${DATA}" stroke-width="1.2"/><circle cx="${f(lx + 9)}" cy="${f(yy - 1)}" r="2.4" fill="${DATA}"/>`);
  out.push(text(lx + 26, yy + 3, 'data', SMALL + 1));
  yy += 18;
  out.push(`<line x1="${f(lx)}" x2="${f(lx + 18)}" y1="${f(yy - 1)}" y2="${f(yy - 1)}" stroke="${TOTAL}" stroke-width="2"/>`);
  out.push(text(lx + 26, yy + 3, cut(`fit: ${fit.model}`, Math.floor((legendW - 30) / ((SMALL + 1) * 0.6))), SMALL + 1));
  if (model.components.length > 1) {
    model.components.forEach((c, k) => {
      yy += 18;
      out.push(`<line x1="${f(lx)}" x2="${f(lx + 18)}" y1="${f(yy - 1)}" y2="${f(yy - 1)}" stroke="${COMPONENT_COLOURS[k % COMPONENT_COLOURS.length]}" stroke-width="1.6" stroke-dasharray="6 4"/>`);
      out.push(text(lx + 26, yy + 3, cut(c.name, Math.floor((legendW - 30) / ((SMALL + 1) * 0.6))), SMALL + 1));
    });
  }
  yy += 26;
  const lines: string[] = [];
  for (const p of fit.parameters) lines.push(`${p.name} = ${formatMeasurement(p.value, p.error)}${p.fixed ? ' (fixed)' : ''}`);
  const stat = fit.statistic === 'poisson' ? `deviance / ndf = ${Number(fit.deviance!.toPrecision(5))} / ${fit.ndf}` : `χ² / ndf = ${Number(fit.chi2!.toPrecision(5))} / ${fit.ndf}`;
  lines.push('', stat, `p-value = ${Number.isFinite(fit.pValue) ? Number(fit.pValue.toPrecision(3)) : 'n/a'}`);
  if (!fit.converged) lines.push('not converged');
  // shrink the text if the list is long
  const room = H - xAxisH - yy;
  const size = Math.max(7, Math.min(SMALL, room / (lines.length * 1.35)));
  const maxChars = Math.floor((legendW - 8) / (size * 0.6));
  for (const line of lines) {
    if (line) out.push(text(lx, yy, cut(line, maxChars), Number(size.toFixed(2)), `class="parameter" fill="${line === 'not converged' ? TOTAL : MUTED}"`));
    yy += size * 1.35;
  }
  out.push('</g>');
  out.push('</svg>', '');
  return out.join('\n');
}
