/**
 * Size and depth limits, checked before allocating. Callers may raise them.
 * @module
 */

/** Limits applied while reading. */
export interface Limits {
  /** Largest input accepted, in bytes (default 16 GiB). */
  maxInputBytes: number;
  /** Deepest JSON nesting accepted (default 256; histograms need axes + 2). */
  maxJsonDepth: number;
}

/** The defaults. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxInputBytes: 16 * 1024 ** 3,
  maxJsonDepth: 256,
});

/** Merge partial limits over the defaults. */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...partial };
}
