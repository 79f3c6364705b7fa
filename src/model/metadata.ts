/**
 * Metadata: flat maps of scalars, as UHI defines them.
 * @module
 */

/** A metadata value: UHI allows only scalars. */
export type MetadataValue = string | number | boolean;

/** Flat metadata map (non-empty keys). */
export type Metadata = Record<string, MetadataValue>;

/** Per-library metadata: library name → flat metadata. */
export type WriterInfo = Record<string, Metadata>;

/** The key hist-serial writes its own entry under in `writer_info`. */
export const WRITER_NAME = 'hist-serial';
