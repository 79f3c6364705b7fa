/**
 * Automatic starting values and bounds of histogram-fit parameters, from the histogram itself:
 * the background from the sidebands (the outer eighths of the range), peaks from the
 * background-subtracted contents (position and width from the half-maximum region around the
 * highest bin), yields from counts. No IO here.
 * @module
 */
import type { HistModel, ModelComponent } from './model.js';
import { SIGNAL_KINDS } from './model.js';
import { normalInterval } from './shapes.js';

/** Binned data: bin edges (bins + 1), contents, and optionally variances. */
export interface BinnedData {
  edges: Float64Array;
  values: Float64Array;
  variances?: Float64Array;
}

/** Starting values and bounds of every parameter of a model. */
export interface StartingPoint {
  init: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** FWHM / sigma of a Gaussian. */
const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

interface Peak {
  mean: number;
  fwhm: number;
  yield: number;
}

/** A background density estimate (events per unit x), from the sidebands. */
function sidebandBackground(d: BinnedData, exponential: boolean): { density: (x: number) => number; slope: number } {
  const { edges, values } = d;
  const n = values.length;
  const m = Math.max(1, Math.ceil(n / 8));
  const band = (from: number, to: number) => {
    let c = 0;
    let w = 0;
    let xc = 0;
    for (let i = from; i < to; i++) {
      const wi = edges[i + 1]! - edges[i]!;
      c += Math.max(0, values[i]!);
      w += wi;
      xc += wi * 0.5 * (edges[i]! + edges[i + 1]!);
    }
    return { rho: c / w, x: xc / w, w };
  };
  const L = band(0, m);
  const R = band(Math.max(m, n - m), n);
  if (n < 2 || R.x <= L.x) return { density: () => L.rho, slope: 0 };
  if (exponential) {
    // half an event per sideband keeps the logarithm finite when a sideband is empty
    const slope = Math.log((R.rho + 0.5 / R.w) / (L.rho + 0.5 / L.w)) / (R.x - L.x);
    return { density: (x) => L.rho * Math.exp(slope * (x - L.x)), slope };
  }
  const slope = (R.rho - L.rho) / (R.x - L.x);
  return { density: (x) => Math.max(0, L.rho + slope * (x - L.x)), slope };
}

/** The highest peak of `r` (events per bin): position, full width at half maximum, and its events. */
function findPeak(edges: Float64Array, r: Float64Array): Peak | undefined {
  const n = r.length;
  const dens = (i: number) => r[i]! / (edges[i + 1]! - edges[i]!);
  let best = -1;
  for (let i = 0; i < n; i++) if (best < 0 || dens(i) > dens(best)) best = i;
  if (best < 0 || !(dens(best) > 0)) return undefined;
  const half = dens(best) / 2;
  const centre = (i: number) => 0.5 * (edges[i]! + edges[i + 1]!);
  // walk out to the half-maximum crossings, interpolating between bin centres
  let a = best;
  while (a > 0 && dens(a - 1) > half) a--;
  let b = best;
  while (b < n - 1 && dens(b + 1) > half) b++;
  const cross = (inside: number, outside: number) => {
    if (outside < 0 || outside >= n) return inside === 0 ? edges[0]! : edges[n]!;
    const di = dens(inside);
    const dout = dens(outside);
    const t = di === dout ? 0.5 : (di - half) / (di - dout);
    return centre(inside) + t * (centre(outside) - centre(inside));
  };
  const left = cross(a, a - 1);
  const right = cross(b, b + 1);
  let sw = 0;
  let swx = 0;
  for (let i = a; i <= b; i++) {
    const w = Math.max(0, r[i]!);
    sw += w;
    swx += w * centre(i);
  }
  const mean = sw > 0 ? swx / sw : centre(best);
  const minWidth = edges[best + 1]! - edges[best]!;
  const fwhm = Math.max(right - left, minWidth);
  // yield: the positive residual within ±1.5 FWHM (±3.5 σ), corrected for what lies outside it
  let y = 0;
  for (let i = 0; i < n; i++) if (Math.abs(centre(i) - mean) <= 1.5 * fwhm) y += Math.max(0, r[i]!);
  return { mean, fwhm, yield: y };
}

/** Subtract a Gaussian peak (by its bin integrals) from the residual. */
function subtractPeak(edges: Float64Array, r: Float64Array, p: Peak): void {
  const sigma = p.fwhm / FWHM_PER_SIGMA;
  for (let i = 0; i < r.length; i++) r[i]! -= p.yield * normalInterval((edges[i]! - p.mean) / sigma, (edges[i + 1]! - p.mean) / sigma);
}

/**
 * Starting values and bounds (`given`: values by parameter index that the caller sets, used in the
 * scans that depend on them): peaks (gauss, bw, rbw, voigt, cb; two for bwint) from the
 * background-subtracted histogram, backgrounds (expo, polyK) from the sidebands, yields from counts.
 * Widths (and resolutions) are bounded to (10⁻³ of the narrowest bin, twice the range], positions to
 * the range, yields and the interference ratio r to ≥ 0, phases to [−2π, 2π], the exponential slope to
 * ±100 / range, Crystal Ball alpha to [0.05, 10] and n to [0.5, 200]. A resolution starts at a third
 * of the narrowest peak's σ; the interference phase, ratio and widths of `bwint` by a small coordinate scan.
 *
 * @example
 * ```ts
 * const { init, lower, upper } = startingPoint(parseHistModel('gauss+expo', [0, 10]), data);
 * ```
 */
export function startingPoint(model: HistModel, data: BinnedData, given: ReadonlyMap<number, number> = new Map()): StartingPoint {
  const { edges, values } = data;
  const n = values.length;
  const [lo, hi] = model.range;
  const width = hi - lo;
  const np = model.names.length;
  const init = new Float64Array(np);
  const lower = new Float64Array(np).fill(-Infinity);
  const upper = new Float64Array(np).fill(Infinity);
  let minBin = Infinity;
  for (let i = 0; i < n; i++) minBin = Math.min(minBin, edges[i + 1]! - edges[i]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(0, values[i]!);

  const signals = model.components.filter((c) => SIGNAL_KINDS.has(c.kind));
  // two interfering Breit-Wigners take two peaks
  const peaksWanted = signals.reduce((a, c) => a + (c.kind === 'bwint' ? 2 : 1), 0);
  const backgrounds = model.components.filter((c) => !SIGNAL_KINDS.has(c.kind));
  const expoBackground = backgrounds.some((c) => c.kind === 'expo');
  const bkg = backgrounds.length ? sidebandBackground(data, expoBackground) : { density: () => 0, slope: 0 };

  // residual after the background, then peaks one by one
  const r = new Float64Array(n);
  let bkgTotal = 0;
  for (let i = 0; i < n; i++) {
    const b = bkg.density(0.5 * (edges[i]! + edges[i + 1]!)) * (edges[i + 1]! - edges[i]!);
    bkgTotal += b;
    r[i] = values[i]! - b;
  }
  const peaks: Peak[] = [];
  for (let s = 0; s < peaksWanted; s++) {
    const found = findPeak(edges, r);
    // a later peak that stands out by less than about 3 sigma: a wider peak under the first
    const significant = found && found.yield > 3 * Math.sqrt(Math.max(1, found.yield + bkgTotal * (3 * found.fwhm) / width));
    if (found && (s === 0 || significant)) {
      peaks.push(found);
      subtractPeak(edges, r, found);
    } else if (peaks.length) {
      const first = peaks[0]!;
      peaks.push({ mean: first.mean, fwhm: 2 * first.fwhm, yield: 0.3 * first.yield });
      first.yield *= 0.7;
    } else {
      peaks.push({ mean: (lo + hi) / 2, fwhm: width / 10, yield: Math.max(1, 0.1 * total) });
    }
  }
  const signalTotal = peaks.reduce((a, p) => a + p.yield, 0);
  const bkgYield = backgrounds.length ? Math.max(total - signalTotal, 0.05 * total, 1) : 0;

  // yields are non-negative; widths, slopes and tails bounded
  model.kinds.forEach((kind, i) => {
    switch (kind) {
      case 'position':
        [lower[i], upper[i]] = [lo, hi];
        break;
      case 'width':
        [lower[i], upper[i]] = [minBin * 1e-3, 2 * width];
        break;
      case 'slope':
        [lower[i], upper[i]] = [-100 / width, 100 / width];
        break;
      case 'alpha':
        [lower[i], upper[i]] = [0.05, 10];
        break;
      case 'power':
        [lower[i], upper[i]] = [0.5, 200];
        break;
      case 'ratio':
        lower[i] = 0;
        break;
      case 'phase':
        [lower[i], upper[i]] = [-2 * Math.PI, 2 * Math.PI];
        break;
      case 'yield':
        lower[i] = 0;
        break;
    }
  });

  // a Gaussian resolution starts at the value given, else a third of the narrowest observed peak's σ;
  // the intrinsic widths of a smeared peak are then what the observed width leaves
  let narrowest = Infinity;
  for (const pk of peaks) narrowest = Math.min(narrowest, pk.fwhm / FWHM_PER_SIGMA);
  const resolutionOf = (comp: ModelComponent) => {
    if (!comp.resolution) return 0;
    const i = comp.shapeParams[comp.shapeParams.length - 1]!;
    init[i] = given.get(i) ?? Math.max(narrowest / 3, minBin * 0.3);
    return init[i]!;
  };
  /** The Lorentzian FWHM that, convolved with a Gaussian of FWHM fG, gives a Voigt of FWHM fV (Olivero's approximation inverted). */
  const lorentzFwhm = (fV: number, fG: number) => {
    if (fG <= 0) return fV;
    if (fG >= fV) return Math.max(0.1 * fV, minBin * 0.5);
    const [a, b, c] = [0.0692, -1.0692 * fV, fV * fV - fG * fG];
    return Math.max((-b - Math.sqrt(b * b - 4 * a * c)) / (2 * a), minBin * 0.5);
  };
  // the events not in the background
  const signalRoom = Math.max(1, total - (backgrounds.length ? bkgYield : 0));

  let peakIndex = 0;
  const observedNarrow = new Map<ModelComponent, number>();
  for (const comp of model.components) {
    const [p0, p1, p2, p3] = comp.shapeParams;
    const resolution = resolutionOf(comp);
    const fG = FWHM_PER_SIGMA * resolution;
    switch (comp.kind) {
      case 'gauss':
      case 'cb': {
        const pk = peaks[peakIndex++]!;
        init[p0!] = pk.mean;
        init[p1!] = Math.max(Math.sqrt(Math.max(0, (pk.fwhm / FWHM_PER_SIGMA) ** 2 - resolution * resolution)), minBin * 0.3);
        if (comp.kind === 'cb') {
          init[p2!] = 1.5;
          init[p3!] = 3;
        }
        init[comp.yieldParams[0]!] = Math.max(pk.yield, 1);
        break;
      }
      case 'bw':
      case 'rbw': {
        const pk = peaks[peakIndex++]!;
        init[p0!] = pk.mean;
        init[p1!] = Math.max(lorentzFwhm(pk.fwhm, fG), minBin * 0.5);
        // the Lorentzian tails hold more than ±1.5 FWHM catches (about 79 %)
        init[comp.yieldParams[0]!] = Math.max(pk.yield / 0.79, 1);
        if (comp.kind === 'rbw') lower[p0!] = Math.max(lo, width * 1e-6);
        break;
      }
      case 'voigt': {
        // split the observed width between the Gaussian and the Cauchy
        const pk = peaks[peakIndex++]!;
        init[p0!] = pk.mean;
        init[p1!] = Math.max((0.5 * pk.fwhm) / FWHM_PER_SIGMA, minBin * 0.3);
        init[p2!] = Math.max(0.25 * pk.fwhm, minBin * 0.25);
        init[comp.yieldParams[0]!] = Math.max(pk.yield / 0.85, 1);
        break;
      }
      case 'bwint': {
        // the broader peak is A₁; r from the ratio of the peak areas, ∝ r² / (M²Γ) each; φ scanned below
        const [a, b] = [peaks[peakIndex++]!, peaks[peakIndex++]!];
        const [wide, narrow] = a.fwhm >= b.fwhm ? [a, b] : [b, a];
        const [M1, G1] = [wide.mean, lorentzFwhm(wide.fwhm, fG)];
        const [M2, G2] = [narrow.mean, lorentzFwhm(narrow.fwhm, fG)];
        [init[p0!], init[p1!], init[p2!], init[p3!]] = [M1, G1, M2, G2];
        observedNarrow.set(comp, narrow.fwhm);
        const areas = Math.max(narrow.yield, 1) / Math.max(wide.yield, 1);
        init[comp.shapeParams[4]!] = Math.min(1e3, Math.max(1e-3, Math.sqrt((areas * M2 * M2 * G2) / (M1 * M1 * G1))));
        init[comp.shapeParams[5]!] = 0;
        lower[p0!] = Math.max(lo, width * 1e-6);
        lower[p2!] = Math.max(lo, width * 1e-6);
        init[comp.yieldParams[0]!] = Math.min(Math.max((wide.yield + narrow.yield) / 0.79, 1), signalRoom);
        break;
      }
      case 'expo': {
        init[p0!] = Math.max(lower[p0!]!, Math.min(upper[p0!]!, bkg.slope));
        init[comp.yieldParams[0]!] = bkgYield / backgrounds.length;
        break;
      }
      case 'poly': {
        // Bernstein coefficients at the control points reproduce a linear background exactly
        const k = comp.degree!;
        const cps = comp.yieldParams.map((_, nu) => Math.max(bkg.density(lo + (k === 0 ? 0.5 : nu / k) * width), 0));
        const sum = cps.reduce((a, b) => a + b, 0);
        const share = bkgYield / backgrounds.length;
        comp.yieldParams.forEach((yi, nu) => {
          // a little of each basis function, so no coefficient starts at its bound
          init[yi] = sum > 0 ? Math.max((share * cps[nu]!) / sum, share * 0.02) : share / (k + 1);
        });
        break;
      }
    }
  }
  // clamp into the bounds; then the values the caller gives
  for (let i = 0; i < np; i++) init[i] = Math.min(upper[i]!, Math.max(lower[i]!, init[i]!));
  for (const [i, v] of given) init[i] = v;
  for (const comp of model.components) {
    if (comp.kind === 'bwint') scanInterference(model, data, comp, { init, lower, upper }, given, (fG) => lorentzFwhm(observedNarrow.get(comp)!, fG), observedNarrow.get(comp)!);
  }
  return { init, lower, upper };
}

/**
 * The parameters of a `bwint` component that the peaks do not determine well, by a coordinate scan
 * of the Poisson deviance at the other starting values: φ over kπ/4 (k = −3 … 4; the likelihood in φ
 * can have several minima), r × {¼, ½, 2, 4}, the broad width Γ₁ × {½, 2, 4} (a broad peak under
 * interference looks narrower than it is), the narrow width Γ₂ × {¼, ½, 2} with r ∝ √Γ₂ (the narrow
 * peak's area kept), and with a free resolution the split of the narrow peak's observed width
 * between the Gaussian and Γ₂ (30 … 85 % Gaussian); three sweeps, each move kept when it lowers the
 * deviance. Parameters the caller gives are not scanned. A start near the right (r, φ) keeps the
 * minimiser out of the corner where the narrow amplitude vanishes (r → 0, Γ₂ → 0), where it wanders.
 */
function scanInterference(
  model: HistModel,
  data: BinnedData,
  comp: ModelComponent,
  { init, lower, upper }: StartingPoint,
  given: ReadonlyMap<number, number>,
  lorentz: (fG: number) => number,
  observed: number,
): void {
  const { edges, values } = data;
  const mu = new Float64Array(values.length);
  const x = Float64Array.from(init);
  const deviance = () => {
    model.expected(edges, x, mu);
    let d = 0;
    for (let i = 0; i < values.length; i++) {
      const m = Math.max(mu[i]!, 1e-300);
      const n = values[i]!;
      d += m - n + (n > 0 ? n * Math.log(n / m) : 0);
    }
    return d;
  };
  const [, g1, , g2, ri, pi] = comp.shapeParams as [number, number, number, number, number, number];
  const si = comp.resolution ? comp.shapeParams[6]! : -1;
  const free = (...indices: number[]) => indices.every((i) => !given.has(i));
  /** Each move: the candidate assignments from the current point. */
  const moves: (() => [number, number][][])[] = [];
  if (free(pi)) moves.push(() => [-3, -2, -1, 0, 1, 2, 3, 4].map((k) => [[pi, (k * Math.PI) / 4]]));
  if (free(ri)) moves.push(() => [0.25, 0.5, 2, 4].map((f) => [[ri, f * x[ri]!]]));
  if (free(g1)) moves.push(() => [0.5, 2, 4].map((f) => [[g1, f * x[g1]!]]));
  if (free(g2, ri)) moves.push(() => [0.25, 0.5, 2].map((f) => [[g2, f * x[g2]!], [ri, Math.sqrt(f) * x[ri]!]]));
  if (si >= 0 && free(si, g2, ri)) {
    moves.push(() =>
      [0.3, 0.5, 0.7, 0.85].map((share) => {
        const sigma = (share * observed) / FWHM_PER_SIGMA;
        const G2 = lorentz(FWHM_PER_SIGMA * sigma);
        return [[si, sigma], [g2, G2], [ri, x[ri]! * Math.sqrt(G2 / x[g2]!)]];
      }),
    );
  }
  if (!moves.length) return;
  let best = deviance();
  for (let sweep = 0; sweep < 3; sweep++) {
    for (const move of moves) {
      const start = Float64Array.from(x);
      let bestPoint = start;
      for (const assignment of move()) {
        x.set(start);
        for (const [i, v] of assignment) x[i] = Math.min(upper[i]!, Math.max(lower[i]!, v));
        const d = deviance();
        if (d < best) [best, bestPoint] = [d, Float64Array.from(x)];
      }
      x.set(bestPoint);
    }
  }
  init.set(x);
}
