/**
 * hist-serial: store, convert and check HEP histograms.
 *
 * @example
 * ```ts
 * import { readDocument, writeDocument, storageSums } from 'hist-serial';
 * const doc = await readDocument('histos.json');
 * const h = doc.histograms.get('h1')!;
 * console.log(h.axes[0], storageSums(h).values);
 * await writeDocument('copy.json', doc);
 * ```
 * @module
 */
export * from './errors.js';
export { MESSAGES } from './messages.js';
export { VERSION, UHI_SCHEMA_VERSION } from './version.js';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.js';
export * from './model/ndarray.js';
export * from './model/axis.js';
export * from './model/metadata.js';
export * from './model/storage.js';
export * from './model/histogram.js';
export { fromUHI, isSingleHistogram, type FromUHIOptions, type FromUHIResult } from './model/from-uhi.js';
export { toUHI, storageKey, axisKey, type ToUHIOptions } from './model/to-uhi.js';
export { mergeHistograms, mergeDocuments, mergeProblem } from './model/merge.js';
export { compareDocuments, type CompareOptions, type Comparison, type Difference, type BinDifference } from './model/compare.js';
export { summarizeDocument, summarizeHistogram, type AxisSummary, type HistogramSummary } from './model/summary.js';
export { plotTerminal, type TerminalPlotOptions } from './plot/terminal.js';
export { plotSvg, type SvgPlotOptions } from './plot/svg.js';
export { InlineArray, type RawDocument, type ArrayPlacement } from './raw.js';
export { isNDArray, extrasArrayKey, extrasToRaw, extrasFromRaw } from './model/extras.js';
export * from './fit-result/index.js';
export { readFitResults, writeFitResults } from './io/fit-results.js';
export { parseJson, type ParsedJson, type ParseJsonOptions, type ExactIntegers } from './json/parse.js';
export { stringifyJson, type NonFinitePolicy, type StringifyOptions } from './json/stringify.js';
export { validateSchema, getSchema, SCHEMA_NAMES, type SchemaName } from './schema/validator.js';
export type { Bytes, Codec, CodecEntry, DecodeContext, EncodeContext, EncodedFile, EncodeOptions } from './codecs/codec.js';
export { SNIFF_BYTES } from './codecs/codec.js';
export { CodecRegistry, createDefaultRegistry } from './codecs/registry.js';
export { decodeNpy, encodeNpy, npyHeader, parseNpyHeader, type NpyHeader } from './codecs/npy.js';
export { BSON_FORMAT_TAG, BSON_MAX_BYTES } from './codecs/bson-entry.js';
export {
  checkBytes,
  concatBytes,
  decodeDocument,
  encodeDocument,
  encodeDocumentFiles,
  rawToDocument,
  selectHistograms,
  type CheckResult,
  type DecodeOptions,
  type EncodeDocumentOptions,
} from './document.js';
export {
  checkFile,
  readDocument,
  writeDocument,
  convertFile,
  readBytes,
  type FileReport,
  type WriteResult,
  type ConvertOptions,
  type ConvertResult,
} from './io/files.js';
export { writeFileAtomic } from './io/atomic.js';
export { checkSidecarUri, resolveSidecar } from './io/sidecar.js';
export type * as Wire from './types/generated/histogram.types.js';
// fit models: HS3 and pyhf (spec.md 6)
export {
  detectKind,
  checkFitModel,
  isModelFormat,
  MODEL_FORMATS,
  type DocumentKind,
  type ModelFormat,
} from './document-kind.js';
export { HS3_VERSION } from './model/hs3/catalog.js';
export { checkHS3 } from './model/hs3/check.js';
export { toHS3BinnedData, fromHS3BinnedData, type ConversionResult, type ToHS3BinnedDataOptions, type FromHS3BinnedDataOptions } from './model/hs3/binned.js';
export { checkPyhf } from './model/pyhf/check.js';
export { pyhfToHS3, hs3ToPyhf, type HS3ToPyhfOptions } from './model/pyhf/convert.js';
export { convertModelFile } from './io/model-files.js';
export type * as HS3 from './types/generated/hs3.types.js';
export type * as Pyhf from './types/generated/pyhf.types.js';
export type * as FitResultWire from './types/generated/fit-result.types.js';
