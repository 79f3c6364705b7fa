/**
 * Seeded toy data for fit tests: a PRNG, binned ρ/ω-like interference events with a Gaussian
 * resolution, and histograms of bins. Independent of the fit code but for `twoBwIntensity`.
 */
import type { Histogram } from '../../src/index.js';
import type { BinnedData } from '../../src/fit/hist/index.js';
import { twoBwIntensity } from '../../src/fit/lineshapes.js';

export const edgesOf = (lo: number, hi: number, bins: number) => Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);

/** xoshiro128** seeded through splitmix32: uniform doubles in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st = [split(), split(), split(), split()];
  return () => {
    const r = Math.imul(rotl(Math.imul(st[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (st[1]! << 9) >>> 0;
    st[2]! ^= st[0]!;
    st[3]! ^= st[1]!;
    st[1]! ^= st[2]!;
    st[0]! ^= st[3]!;
    st[2]! ^= t;
    st[3] = rotl(st[3]!, 11);
    return r / 4294967296;
  };
}
function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}


/** A 1-d histogram of double storage (no flow bins) from bins. */
export function histogramOf(data: BinnedData, metadata?: Record<string, string>, axisMetadata?: Record<string, string>): Histogram {
  const n = data.values.length;
  return {
    axes: [{ type: 'variable', edges: data.edges, underflow: false, overflow: false, circular: false, ...(axisMetadata ? { metadata: axisMetadata } : {}) }],
    storage: data.variances
      ? { type: 'weighted', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [n], data: data.values }, variances: { dtype: 'f8', shape: [n], data: data.variances } } }
      : { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [n], data: data.values } } },
    ...(metadata ? { metadata } : {}),
  };
}


export const PIPI: [number, number] = [0.6, 0.95];
/** ρ/ω-like truth: two interfering Breit-Wigners and an 8 MeV resolution. */
export const RHO_OMEGA = { mass1: 0.7755, width1: 0.1491, mass2: 0.78266, width2: 0.00868, r: 0.3, phi: 1.5, resolution: 0.008 };

/**
 * `events` events of |A₁ + r e^{iφ} A₂|² (accept-reject on [0.5, 1.05], wide enough that nothing
 * outside smears into the window) smeared by a Gaussian (Box-Muller), binned on [0.6, 0.95] until
 * `events` fall inside: independent of the fit code but for {@link twoBwIntensity}.
 */
export function rhoOmega(seed: number, events: number, bins = 120): BinnedData {
  const t = RHO_OMEGA;
  const u = rng(seed);
  const I = (m: number) => twoBwIntensity(m, { M: t.mass1, Gamma: t.width1 }, { M: t.mass2, Gamma: t.width2 }, t.r, t.phi);
  let max = 0;
  for (let m = 0.5; m <= 1.05; m += 1e-5) max = Math.max(max, I(m));
  max *= 1.05;
  const [lo, hi] = PIPI;
  const values = new Float64Array(bins);
  for (let n = 0; n < events; ) {
    const m = 0.5 + 0.55 * u();
    if (u() * max > I(m)) continue;
    const x = m + t.resolution * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    if (x < lo || x >= hi) continue;
    values[Math.floor(((x - lo) / (hi - lo)) * bins)]!++;
    n++;
  }
  return { edges: edgesOf(lo, hi, bins), values };
}

