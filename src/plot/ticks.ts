/**
 * "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) and number formatting for plots.
 * @module
 */

/** Ticks of a linear axis on [lo, hi]. */
export interface Ticks {
  step: number;
  values: number[];
}

/** The 1-2-5 step that gives at most about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const f = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
  return Number((f * mag).toPrecision(12));
}

/**
 * Tick values inside [lo, hi] at a 1-2-5 step, about `count` intervals (multiples of the step, so
 * 0 is a tick whenever it is in range).
 *
 * @example
 * ```ts
 * niceTicks(0, 371, 5).values; // [0, 100, 200, 300]
 * ```
 */
export function niceTicks(lo: number, hi: number, count: number): Ticks {
  const step = niceStep(hi - lo, count);
  const values: number[] = [];
  const eps = step * 1e-9;
  const first = Math.ceil((lo - eps) / step);
  const last = Math.floor((hi + eps) / step);
  for (let k = first; k <= last && values.length < 1000; k++) values.push(Number((k * step).toPrecision(12)) + 0);
  return { step, values };
}

/** Power of ten of the last significant digit of a step (2.5e6 → 5, 0.2 → -1). */
function lastDigit(step: number): number {
  const e = Math.floor(Math.log10(step) + 1e-9);
  for (let d = 0; d < 6; d++) {
    const m = step / 10 ** (e - d);
    if (Math.abs(m - Math.round(m)) < 1e-6 * m) return e - d;
  }
  return e - 6;
}

/**
 * Labels for the ticks of one axis, all in the same style: fixed decimals as the step needs, or,
 * when the largest tick is at least 1e6 or below 1e-3, exponent notation (`2.5e6`).
 *
 * @example
 * ```ts
 * formatTicks([0, 0.5, 1], 0.5); // ['0', '0.5', '1.0']
 * ```
 */
export function formatTicks(values: readonly number[], step: number): string[] {
  const stepExp = lastDigit(step);
  const largest = Math.max(0, ...values.map(Math.abs));
  const exponent = largest >= 1e6 || (largest > 0 && largest < 1e-3);
  return values.map((v) => {
    if (v === 0) return '0';
    if (!exponent) return v.toFixed(Math.max(0, Math.min(12, -stepExp)));
    const e = Math.floor(Math.log10(Math.abs(v)) + 1e-9);
    const [m, x] = v.toExponential(Math.max(0, Math.min(12, e - stepExp))).split('e');
    return `${Number(m)}e${Number(x)}`;
  });
}

/** A value for a label: integers as is, others with `digits` significant digits (default 4). */
export function formatValue(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e15 || a < 1e-4)) {
    const [m, x] = v.toExponential(digits - 1).split('e');
    return `${String(Number(m))}e${Number(x)}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/** A bin edge for a label: up to 6 significant digits, so 0.30000000000000004 reads 0.3. */
export function formatEdge(v: number): string {
  return formatValue(v, 6);
}
