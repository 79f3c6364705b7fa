import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { PROJECT_DIR } from './helpers/reference.js';

describe('public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "ALLOWED_DTYPES",
        "AXIS_TYPES",
        "CodecRegistry",
        "DEFAULT_LIMITS",
        "DTYPES",
        "ERROR_CODES",
        "FLOAT_DTYPES",
        "HistSerialError",
        "INT_DTYPES",
        "InlineArray",
        "LimitError",
        "MESSAGES",
        "ParseError",
        "SNIFF_BYTES",
        "STORAGE_FIELDS",
        "STORAGE_TYPES",
        "UHI_SCHEMA_VERSION",
        "VERSION",
        "ValidationError",
        "WRITER_NAME",
        "allocate",
        "astype",
        "axisKey",
        "binCount",
        "checkBytes",
        "checkFile",
        "checkSidecarUri",
        "concatBytes",
        "convertFile",
        "createDefaultRegistry",
        "createDocument",
        "decodeDocument",
        "denseShape",
        "dtypeOf",
        "edgesOf",
        "encodeDocument",
        "encodeDocumentFiles",
        "extent",
        "fromUHI",
        "getSchema",
        "isBigIntDtype",
        "isHistSerialError",
        "isIntDtype",
        "isSingleHistogram",
        "issue",
        "itemSize",
        "ndarray",
        "numberAt",
        "overflowBins",
        "parseJson",
        "pointer",
        "pointerToken",
        "rawToDocument",
        "readBytes",
        "readDocument",
        "resolveLimits",
        "resolveSidecar",
        "sameBinning",
        "selectHistograms",
        "sizeOf",
        "storageFields",
        "storageKey",
        "storageSums",
        "storedBinCount",
        "stridesOf",
        "stringifyJson",
        "summarizeDocument",
        "summarizeHistogram",
        "toDense",
        "toFloat64",
        "toSparse",
        "toUHI",
        "underflowBins",
        "unravelIndex",
        "validateSchema",
        "writeDocument",
        "writeFileAtomic",
      ]
    `);
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(api.VERSION).toBe(pkg.version);
  });
});
