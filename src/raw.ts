/**
 * The one intermediate form between codecs and the model (glTF-Transform's `JSONDocument`):
 * schema-typed JSON in which each array is either inline or a string key into `resources`.
 * Codecs convert bytes ⇄ {@link RawDocument}; the model converts {@link RawDocument} ⇄ histograms.
 * @module
 */
import type { ExactIntegers } from './json/parse.js';
import type { NDArray } from './model/ndarray.js';

/** JSON-like metadata plus out-of-band arrays. */
export interface RawDocument {
  /** The JSON part. Array positions hold inline nested lists, {@link InlineArray}s, or string keys into `resources`. */
  json: unknown;
  /** Out-of-band arrays by key (zip member name, HDF5 dataset path, buffer view id). */
  resources: Map<string, NDArray>;
  /** Exact values of integer literals beyond ±2^53 in `json` (see {@link parseJson}). */
  exact?: ExactIntegers;
  /** Top-level sections beside the histograms (see {@link HistDocument.extras}), for codecs that keep them. */
  extras?: Record<string, unknown>;
}

/**
 * A typed array placed inline in {@link RawDocument.json} by the model for codecs that write arrays
 * in the JSON itself (the UHI JSON codec): it serializes as nested lists without first becoming
 * millions of JS numbers.
 */
export class InlineArray {
  constructor(readonly array: NDArray) {}
}

/** How a codec wants arrays placed in the raw document it encodes. */
export type ArrayPlacement = 'inline' | 'external';
