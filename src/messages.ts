/**
 * Every user-facing message of the library, in one place (as vega-lite's `log/message.ts`).
 * Messages say what is wrong, where, and what was expected, and quote the bad value.
 * Tests assert codes and paths; these texts may be reworded freely.
 * @module
 */

/** Render a value for a message: strings quoted, long arrays shortened. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.slice(0, 6).map(quote).join(', ')}${value.length > 6 ? ', ...' : ''}]`;
  if (value === null) return 'null';
  if (typeof value === 'object') return '{...}';
  return String(value);
}

function at(path: string): string {
  return path === '' ? 'the document root' : path;
}

const list = (items: readonly (string | number)[]) => items.map((x) => String(x)).join(', ');

export const MESSAGES = {
  // parsing
  jsonSyntax: (what: string, line: number, column: number) => `Invalid JSON: ${what} at line ${line}, column ${column}`,
  jsonTooDeep: (limit: number, line: number, column: number) =>
    `JSON nesting deeper than ${limit} levels at line ${line}, column ${column}; histogram documents need far fewer`,
  jsonNotObject: (kind: string) => `Expected a JSON object at the document root, found ${kind}`,
  inputTooLarge: (bytes: number, limit: number) =>
    `Input of ${bytes} bytes is larger than the limit of ${limit} bytes (raise it with the maxInputBytes option)`,
  jsonTextTooLarge: (bytes: number, limit: number) =>
    `JSON text of ${bytes} bytes cannot be read: JavaScript strings hold at most ${limit} characters; store histograms this big in a binary format (.hsb, .h5, .zip)`,
  formatTooLarge: (format: string, bytes: number, limit: number) =>
    `Input of ${bytes} bytes is larger than any ${format} file that can be read (at most ${limit} bytes); store histograms this big in a binary format (.hsb, .h5, .zip)`,
  rootDimensions: (name: string, dims: number) =>
    `Histogram ${quote(name)} has ${dims} axes; ROOT histograms (TH1/TH2/TH3) have 1 to 3: write it to .hsb, .h5 or .zip instead`,
  rootProfile3D: (name: string) =>
    `Histogram ${quote(name)} is a 3-d mean (profile) histogram; TProfile3D is not supported: write it to .hsb, .h5 or .zip instead`,
  rootEmptyStorage: (name: string) => `Histogram ${quote(name)} has no bin contents (empty storage); a ROOT histogram always has them`,
  rootAxisType: (name: string, axis: number, type: string) => `Histogram ${quote(name)}: axis ${axis} of type ${quote(type)} cannot be written to ROOT`,
  rootFileTooLarge: (bytes: number, limit: number) => `ROOT file of ${bytes} bytes is larger than hist-serial reads (at most ${limit} bytes, read into memory at once)`,
  rootAppend: (file: string) =>
    `${file} exists: hist-serial writes new ROOT files and cannot add histograms to an existing one; write to a new file (or without ":dir" to replace it)`,
  rootKeyName: (name: string) =>
    `Histogram name ${quote(name)} cannot be a ROOT key path: names are split at "/" into directories, and no part may be empty or contain ";" (ROOT's cycle separator)`,
  arrayTooLarge: (path: string, n: number, limit: number) =>
    `Array at ${at(path)} has ${n} elements, more than the limit of ${limit}`,
  // schema
  schema: (path: string, message: string) => `${at(path)} ${message}`,
  unsupportedVersion: (path: string, found: unknown, supported: number) =>
    `Unsupported uhi_schema version ${quote(found)} at ${path}; this hist-serial reads versions up to ${supported}`,
  // arrays
  missingArray: (path: string, ref: string) => `Array reference ${quote(ref)} at ${path} names nothing in the file`,
  shapeMismatch: (path: string, found: readonly number[], expected: readonly number[], why: string) =>
    `Array at ${path} has shape [${list(found)}], expected [${list(expected)}] (${why})`,
  raggedArray: (path: string) => `Nested array at ${path} is ragged: its rows have different lengths`,
  dtypeNotAllowed: (path: string, dtype: string, storage: string, allowed: readonly string[]) =>
    `dtype ${quote(dtype)} at ${path} is not allowed in ${storage} storage; expected one of ${list(allowed)}`,
  nonInteger: (path: string, value: unknown, storage: string) =>
    `Non-integer value ${quote(value)} at ${path} in ${storage} storage; expected integers`,
  intOutOfRange: (path: string, value: unknown) =>
    `Integer ${quote(value)} at ${path} does not fit in a signed 64-bit integer`,
  nonFiniteForbidden: (path: string, value: number) =>
    `Non-finite value ${quote(value)} at ${path} cannot be written as strict JSON; use the Python-compatible mode (nonFinite: "python") or a binary format`,
  // axes
  axisBins: (path: string, bins: number) => `Axis at ${path} has ${bins} bins; expected at least 1`,
  axisRange: (path: string, lower: number, upper: number) =>
    `Axis at ${path} has lower ${quote(lower)} and upper ${quote(upper)}; expected finite values with lower < upper`,
  edgesTooFew: (path: string, n: number) => `Variable axis at ${path} has ${n} edge(s); expected at least 2`,
  edgeNotFinite: (path: string, value: number) => `Edge ${quote(value)} at ${path} is not finite`,
  edgeNotIncreasing: (path: string, value: number, previous: number) =>
    `Edge ${quote(value)} at ${path} is not greater than the edge before it (${quote(previous)}); edges must increase strictly`,
  duplicateCategory: (path: string, value: unknown) => `Category ${quote(value)} at ${path} appears more than once`,
  categoryNotInteger: (path: string, value: unknown) =>
    `Category ${quote(value)} at ${path} is not an integer within ±2^53`,
  // sparse
  sparseIndexShape: (path: string, found: readonly number[], naxes: number, nnz: number) =>
    `Sparse index at ${path} has shape [${list(found)}], expected [${naxes}, ${nnz}] (axes x filled bins)`,
  sparseIndexRange: (path: string, value: unknown, extent: number) =>
    `Sparse index ${quote(value)} at ${path} is outside 0..${extent - 1} (the axis has ${extent} bins with flow)`,
  sparseIndexDuplicate: (path: string, bin: readonly number[]) =>
    `Sparse index at ${path} lists bin [${list(bin)}] more than once`,
  // native container
  badMagic: (what: string) => `Not a ${what} file: the magic bytes do not match`,
  truncated: (what: string, need: number, have: number) => `Truncated ${what}: needs ${need} bytes, the file has ${have}`,
  unsupportedContainer: (found: string, supported: string) =>
    `Container version ${quote(found)} is newer than this hist-serial reads (${supported})`,
  unsupportedExtension: (names: readonly string[]) =>
    `The file requires extension(s) ${list(names.map((n) => quote(n)))} that this hist-serial does not know`,
  viewOutOfBounds: (path: string, end: number, length: number) =>
    `Buffer view at ${path} ends at byte ${end}, past the end of its buffer (${length} bytes)`,
  viewBytes: (path: string, byteLength: number, expected: number) =>
    `Buffer view at ${path} has ${byteLength} bytes; its dtype and shape need ${expected}`,
  badBufferIndex: (path: string, index: number, count: number) =>
    `Buffer view at ${path} names buffer ${index}, but the file has ${count} buffer(s)`,
  duplicateView: (path: string, name: string) => `Buffer view name ${quote(name)} at ${path} is used twice`,
  bufferLength: (path: string, declared: number, actual: number) =>
    `Buffer at ${path} declares ${declared} bytes but has ${actual}`,
  badDataUri: (path: string) => `Buffer at ${path} has a data: URI that is not base64 application/octet-stream`,
  binaryChunkMissing: (path: string) => `Buffer at ${path} has no uri, but only a .hsb file has a binary chunk`,
  checksum: (path: string, expected: number, actual: number) =>
    `CRC-32 of the buffer view at ${path} is ${actual}, the file says ${expected}: the data is corrupt`,
  unsupportedDtype: (path: string, dtype: string) => `Unsupported dtype ${quote(dtype)} at ${path}`,
  // BSON (spec.md 4.3)
  bsonTooLarge: (bytes: number, limit: number) =>
    `The BSON document would be ${bytes} bytes; BSON's int32 lengths allow at most ${limit}. Write a .zip, .hsb or .h5 file instead (or fewer histograms per file)`,
  bsonCannotEncode: (path: string, why: string) => `Cannot write ${at(path)} as BSON: ${why}`,
  bsonKeyNul: (path: string) => `Cannot write ${at(path)} as BSON: its name contains a NUL character, which BSON keys cannot hold`,
  bsonReservedKey: (path: string, key: string) =>
    `Cannot write ${at(path)} as BSON: the bson library reserves the key ${quote(key)} for its own types`,
  bsonArrayBytes: (path: string, dtype: string, shape: readonly number[], bytes: number, expected: number) =>
    `Array at ${path} has ${bytes} bytes of data; dtype ${quote(dtype)} and shape [${list(shape)}] need ${expected}`,
  bsonBigEndianPlatform: () => 'hist-serial BSON arrays are little-endian; this platform is big-endian and is not supported',
  bsonTooShort: (bytes: number) => `Invalid BSON: the input has ${bytes} bytes; a BSON document has at least 5`,
  bsonBadLength: (declared: number) => `Invalid BSON: the document declares a length of ${declared} bytes; a BSON document has at least 5`,
  bsonTruncated: (declared: number, bytes: number) =>
    `Invalid BSON: the document declares ${declared} bytes but the input has only ${bytes}; the file is truncated`,
  bsonTrailing: (declared: number, bytes: number) =>
    `Invalid BSON: the document declares ${declared} bytes but the input has ${bytes}; ${bytes - declared} unexpected bytes follow it`,
  bsonBadEnd: (path: string) => `Invalid BSON: the document at ${at(path)} does not end with a NUL byte where its length says it ends`,
  bsonEarlyEnd: (path: string, offset: number, expected: number) =>
    `Invalid BSON: the document at ${at(path)} ends at byte ${offset}, before the end its length declares (byte ${expected})`,
  bsonBadKey: (path: string) => `Invalid BSON: an element name in the document at ${at(path)} runs past the end of the document`,
  bsonBadKeyUtf8: (path: string) => `Invalid BSON: an element name in the document at ${at(path)} is not valid UTF-8`,
  bsonPastEnd: (path: string, declared: number, available: number) =>
    `Invalid BSON: the element at ${path} needs ${declared} bytes but only ${Math.max(available, 0)} remain in its enclosing document`,
  bsonBadString: (path: string) => `Invalid BSON: the string at ${path} does not end with a NUL byte`,
  bsonUnexpectedBinary: (path: string) =>
    `Invalid hist-serial BSON: binary data at ${path}; binary data belongs only in /buffers/{key}/data`,
  bsonBinarySubtype: (path: string, subtype: number) =>
    `Invalid hist-serial BSON: the Binary at ${path} has subtype ${subtype}; array data is subtype 0 (generic binary)`,
  bsonUnsupportedType: (path: string, type: number, name: string | undefined) =>
    `Invalid hist-serial BSON: element type 0x${type.toString(16).padStart(2, '0')}${name ? ` (${name})` : ''} at ${path}; expected JSON-like values (double, string, document, array, boolean, null, int32, int64) and Binary array data`,
  bsonTooDeep: (limit: number, path: string) => `BSON nesting deeper than ${limit} levels at ${path}; histogram documents need far fewer`,
  bsonInvalid: (reason: string) => `Invalid BSON: ${reason}`,
  bsonNotOurs: (found: string) => `Not a hist-serial BSON document: its format element is ${found}, expected "hist-serial-bson"`,
  bsonUnsupportedVersion: (found: number, supported: number) =>
    `hist-serial BSON layout version ${found} is newer than this hist-serial reads (up to ${supported})`,
  bsonEnvelope: (path: string, what: string) => `Invalid hist-serial BSON: ${at(path)} ${what}`,
  bsonUnknownDtype: (path: string, found: string, known: readonly string[]) =>
    `Unknown dtype ${found} at ${path}; hist-serial BSON stores little-endian ${list(known)}`,
  // HDF5 (spec.md 4.5); `where` is "FILE:/group"
  hdf5NoGroup: (where: string) => `No group ${where}: the file has nothing at that path`,
  hdf5NotAGroup: (where: string, kind: string) => `${where} is a ${kind}, not a group; address a histogram group or a group holding histograms`,
  hdf5NoHistogram: (where: string, nested: readonly string[]) =>
    `No histogram in ${where}: no group there has a uhi_schema attribute${nested.length ? `; histograms are under ${list(nested.slice(0, 5))}${nested.length > 5 ? ', ...' : ''} (address one as FILE:/group)` : ''}`,
  hdf5Layout: (object: string, what: string) => `Invalid UHI HDF5 layout at ${object}: ${what}`,
  hdf5Filter: (dataset: string, id: number, name: string) =>
    `Dataset ${dataset} is compressed with HDF5 filter ${id}${name ? ` (${name})` : ''}, which hist-serial cannot decode (built in: 1 deflate, 2 shuffle, 3 fletcher32, 4 szip, 5 nbit, 6 scaleoffset); rewrite it with a built-in filter, e.g. h5repack -f GZIP=4`,
  hdf5Dtype: (dataset: string, type: string) =>
    `Dataset ${dataset} holds ${type}; hist-serial reads 8- to 64-bit integers, 32- and 64-bit floats and booleans`,
  hdf5Attribute: (object: string, name: string, type: string) =>
    `Attribute ${quote(name)} of ${object} holds ${type}; hist-serial reads strings, numbers and booleans`,
  hdf5TooLarge: (dataset: string, bytes: number, limit: number) =>
    `Dataset ${dataset} has ${bytes} bytes, more than the limit of ${limit} bytes (raise it with the maxInputBytes option)`,
  hdf5Library: (op: string, where: string, reason: string) => `HDF5 could not ${op} ${where}: ${reason}`,
  hdf5Exists: (where: string) =>
    `${where} already exists; hist-serial adds histograms to an HDF5 file but never replaces or deletes objects in it (h5wasm cannot delete links): write to another group, or delete it first (h5py: del f[path])`,
  hdf5Name: (what: string, name: string, reason: string) => `Cannot write ${what} ${quote(name)} to HDF5: ${reason}`,
  hdf5Patch: (file: string, reason: string) => `Cannot write uhi's boolean attributes into ${file}: ${reason}`,
  hdf5BigEndianPlatform: () => 'hist-serial reads and writes little-endian arrays; this platform is big-endian and is not supported',
  locationUnsupported: (format: string, location: string) =>
    `Format ${quote(format)} has no groups inside its files, so the address ${quote(location)} cannot be used (FILE:/group addresses are for HDF5)`,
  badLocation: (location: string) => `Invalid location ${quote(location)} inside a file: expected an absolute HDF5 path such as /analysis/hists`,
  // api, io, formats
  unknownFormat: (name: string, known: readonly string[]) =>
    `Unknown format ${quote(name)}; expected one of ${list(known)}`,
  cannotDetectInput: (file: string) =>
    `Cannot tell the format of ${file} from its content; name it with --format (formats: see \`hist-serial formats\`)`,
  cannotDetectOutput: (file: string) => `Cannot tell the output format from the name ${file}; name it with --to`,
  cannotEncode: (format: string) => `Format ${quote(format)} can be read but not written`,
  needsFile: (format: string) => `Format ${quote(format)} writes files (or several), not one buffer: use writeDocument with a path`,
  sidecarEscape: (uri: string) =>
    `Referenced file ${quote(uri)} is not a relative path inside the folder of the main file (absolute paths, "..", and schemes are refused)`,
  notFound: (name: string, available: readonly string[]) =>
    `No histogram named ${quote(name)}; the file has ${available.length ? list(available.map((a) => quote(a))) : 'no histograms'}`,
  emptySelection: () => 'Nothing to write: the selection is empty',
  extrasDropped: (format: string, keys: readonly string[]) =>
    `Format ${quote(format)} cannot hold the top-level section(s) ${list(keys.map((k) => quote(k)))}; they are not written (use the native .hsb or .hsj format to keep them)`,
  noStdin: () => 'Standard input ("-") is not available here',
  noStdout: () => 'Standard output ("-") is not available here',
  stdoutNeedsFormat: () => 'Writing to standard output ("-") needs the format: add --to (see `hist-serial formats`)',
  globNoMatch: (pattern: string) => `No file matches ${quote(pattern)}`,
  // merge and diff
  mergeAxisCount: (a: number, b: number) => `they have ${a} and ${b} axes`,
  mergeAxis: (k: number, a: string, b: string) => `axis ${k} differs: ${a} vs ${b}`,
  mergeStorage: (a: string, b: string) => `storage types differ: ${a} vs ${b} (convert one first)`,
  mergeEmpty: () => 'one has bin contents and the other has none (empty storage)',
  mergeRefused: (name: string, why: string) => `Cannot add histogram${name ? ` ${quote(name)}` : 's'}: ${why}`,
  io: (op: string, file: string, reason: string) => `Cannot ${op} ${file}: ${reason}`,
  invalidOption: (option: string, value: unknown, expected: string) => `Invalid option ${option} = ${quote(value)}; expected ${expected}`,
  // plots (src/plot/, inspect --plot and --svg)
  plotDimensions: (naxes: number) => `cannot plot ${naxes}-d histograms; project first`,
  plotNoAxes: () => 'cannot plot a histogram without axes: it holds a single value',
  plotNoData: () => 'nothing to plot: the histogram has no bin data (metadata only)',
  plotCannot: (name: string, why: string) => `Histogram ${quote(name)}: ${why}`,
  svgFirstOnly: (file: string, name: string, rest: number) =>
    `note: ${file} shows only the first histogram, ${quote(name)}; ${rest} more selected (use --select NAME, or --svg DIR/ for one file per histogram)`,
  svgSkipped: (name: string, why: string) => `note: no SVG for ${quote(name)}: ${why}`,
  svgWritten: (file: string, name: string) => `wrote ${file} (${quote(name)})`,
  // histogram fits (src/fit/hist/, fit hist)
  fitHistHs3Chi2: () => 'A chi-square fit has no likelihood to write as an HS3 model; fit with the Poisson likelihood (without --chi2) to make a benchmark bundle',
  fitHistUnknownShape: (term: string, expression: string, known: readonly string[]) =>
    `Unknown line shape ${quote(term)} in model ${quote(expression)}; expected terms joined by "+", each one of ${list(known)} (K: polynomial degree 0 to 10), e.g. gauss+expo`,
  fitHistEmptyTerm: (expression: string, known: readonly string[]) =>
    `Model ${quote(expression)} has an empty term; expected terms joined by "+", each one of ${list(known)} (K: polynomial degree 0 to 10), e.g. gauss+expo`,
  fitHistPolyDegree: (term: string, expression: string, max: number) =>
    `Polynomial ${quote(term)} in model ${quote(expression)} has a degree above ${max}; expected poly0 to poly${max}`,
  fitHistDimensions: (naxes: number) =>
    `Cannot fit a ${naxes}-d histogram: histogram fits need exactly one axis (project or slice it first)`,
  fitHistAxisType: (type: string) =>
    `Cannot fit a histogram with a ${quote(type)} axis: histogram fits need a continuous axis (regular or variable)`,
  fitHistStorage: (type: string) =>
    `Cannot fit a histogram with ${quote(type)} storage: its bins hold means, not counts; expected int, double or weighted storage`,
  fitHistNoData: () => 'Cannot fit a histogram without bin data (metadata only)',
  fitHistNonFinite: (bin: number, field: string, value: number) =>
    `Bin ${bin} of the fitted range holds ${field} ${quote(value)}; a fit needs finite contents`,
  fitHistNegative: (bin: number, value: number) =>
    `Bin ${bin} of the fitted range holds ${quote(value)}; a Poisson likelihood needs non-negative contents (use the chi-square fit, --chi2)`,
  fitHistEmpty: () => 'The fitted range holds no entries; there is nothing to fit',
  fitHistRange: (lo: number, hi: number, axisLo: number, axisHi: number) =>
    `Fit range [${quote(lo)}, ${quote(hi)}] holds no whole bin of the axis [${quote(axisLo)}, ${quote(axisHi)}]; expected lo < hi overlapping the axis`,
  fitHistTooFewBins: (bins: number, free: number) =>
    `The fit uses ${bins} bin(s) but has ${free} free parameter(s); expected at least as many bins as free parameters`,
  fitHistUnknownParameter: (name: string, known: readonly string[]) =>
    `${quote(name)} names no parameter of the model; it has ${list(known)}`,
  fitHistParameterValue: (name: string, value: string) =>
    `Parameter setting ${quote(`${name}=${value}`)} is not NAME=NUMBER`,
  fitHistWeighted: () =>
    'weighted histogram fitted with a Poisson likelihood: its errors assume unweighted counts (use --chi2 to fit with the storage variances)',
  fitHistNotConverged: (status: string) => `the fit did not converge (${status}); the parameters are where the minimiser stopped`,
  fitHistNotPositiveDefinite: (names: readonly string[]) =>
    `the Hessian at the minimum is not positive definite (made so to invert it, as MINUIT does)${names.length ? `; poorly constrained: ${list(names)}` : ''}: the errors are unreliable`,
  fitHistChoose: (file: string, names: readonly string[]) =>
    `${file} holds ${names.length} histograms (${list(names.slice(0, 10).map((n) => quote(n)))}${names.length > 10 ? ', ...' : ''}); name the one to fit as FILE:NAME`,
  fitHistResolutionFactor: (term: string, expression: string) =>
    `Term ${quote(term)} in model ${quote(expression)} multiplies by something other than a Gaussian resolution; expected SHAPE*gauss, e.g. bwint*gauss`,
  fitHistNoResolution: (term: string, expression: string, allowed: readonly string[]) =>
    `Term ${quote(term)} in model ${quote(expression)} cannot take a Gaussian resolution; expected one of ${list(allowed)} before "*gauss"`,
  fitHistConstraintValue: (setting: string) => `Constraint ${quote(setting)} is not NAME=MEAN,SIGMA with finite numbers and SIGMA > 0`,
  fitHistConstraintWidth: (name: string, mean: number, sigma: number) =>
    `Constraint on ${quote(name)} has mean ${quote(mean)} and width ${quote(sigma)}; expected a finite mean and a finite width > 0`,
  // canonical line shapes (src/fit/lineshapes.ts)
  lineshapeOrbital: (l: number) => `Orbital angular momentum l = ${quote(l)} has no Blatt-Weisskopf factor here; expected 0, 1 or 2`,
  lineshapeRadius: (R: number) => `Blatt-Weisskopf radius R = ${quote(R)}; expected a finite R > 0`,
  lineshapeBelowThreshold: (M: number, m1: number, m2: number) =>
    `Pole mass M = ${quote(M)} is not above the threshold m1 + m2 = ${quote(m1 + m2)}; a mass-dependent width needs the break-up momentum at M to be positive`,
  lineshapeSmearWidth: (sigma: number) => `Gaussian smearing width ${quote(sigma)}; expected a finite sigma >= 0 (and a positive step and width)`,
  // ROOT files (writing); `path` is a JSON pointer made of the histogram's key path, e.g. /dir~1h/cells
  rootWriteTooLarge: (path: string, bytes: number, limit: number) =>
    `Histogram at ${path} would be a ${bytes}-byte object in a ROOT file; ROOT cannot store an object that large (at most ${limit} bytes per object, its byte counts have 30 bits). Write a .hsb or .h5 file instead, or split the histogram`,
  rootWriteByteCount: (bytes: number, limit: number) =>
    `A ROOT object part of ${bytes} bytes cannot be written: ROOT's byte counts allow at most ${limit}; write a .hsb or .h5 file instead`,
  rootWriteUnsupportedClass: (path: string, className: string, supported: readonly string[]) =>
    `Cannot write histogram ${path} of class ${quote(className)} to a ROOT file; hist-serial writes ${list(supported)}`,
  rootWriteInvalid: (path: string, what: string) => `Cannot write ${path} to a ROOT file: ${what}`,
  rootWriteNotString: () => 'expected a string',
  rootWriteAxisCount: (className: string, expected: number, found: number) => `a ${className} has ${expected} axes, this histogram has ${found}`,
  rootWriteAxisBins: (nbins: unknown) => `the axis has ${quote(nbins)} bins; expected an integer of at least 1`,
  rootWriteArray: (type: string, n: number, found: unknown, nullable = false) =>
    `expected ${nullable ? 'null or ' : ''}a ${type} of ${n} elements, found ${ArrayBuffer.isView(found) ? `a ${found.constructor.name} of ${(found as unknown as ArrayLike<unknown>).length}` : Array.isArray(found) ? `an array of ${found.length}` : quote(found)}`,
  rootWriteExpected: (kind: 'i16' | 'u16' | 'i32' | 'f32' | 'f64' | 'bool' | 'string' | 'numbers') =>
    ({ i16: 'an integer from -32768 to 32767', u16: 'an integer from 0 to 65535', i32: 'a 32-bit signed integer', f32: 'a number', f64: 'a number', bool: 'a boolean', string: 'a string', numbers: 'an array of numbers' })[kind],
  rootWriteLabels: (nbins: number) => `expected null or an array of at most ${nbins} strings or nulls (one per bin)`,
  rootWriteProfileMissing: (className: string) => `a ${className} needs profile data (fBinEntries, fErrorMode...), found null`,
  rootWriteErrorMode: (mode: unknown) => `fErrorMode is ${quote(mode)}; expected 0, 1, 2 or 3`,
  rootWriteMissingStat: (name: string) => `the statistic ${name} is missing; expected a number`,
  rootWriteAttribute: (path: string, name: string, value: unknown, expected: string) =>
    `Cannot write ${name} = ${quote(value)} at ${path} to a ROOT file; expected ${expected}`,
  rootWriteKeyPath: (path: string, keyPath: unknown, why: string) => `Cannot write histogram ${path} to a ROOT file: its path ${quote(keyPath)} ${why}`,
  rootWriteEmptyPathPart: () => 'has an empty, "." or ".." part; expected names joined by "/" such as dir/sub/h',
  rootWriteNameTooLong: (bytes: number, limit: number) => `makes a key of ${bytes} bytes; ROOT keys hold at most ${limit}`,
  rootWriteCycle: (path: string, cycle: unknown) =>
    `Cannot write histogram ${path} to a ROOT file: cycle ${quote(cycle)} is not an integer from 0 (next free cycle) to 32767`,
  rootWriteDuplicateKey: (keyPath: string, cycle: number) => `Two histograms would both be written as ${quote(`${keyPath};${cycle}`)} in the ROOT file`,
  rootWriteKeyClash: (keyPath: string) => `${quote(keyPath)} would be both a directory and a histogram in the ROOT file`,
  // .npy arrays (numpy's format); `what` names the array, e.g. zip member "h_storage_values.npy"
  npyMagic: (what: string) => `${what} is not a .npy array: it does not start with the magic string "\\x93NUMPY"`,
  npyVersion: (what: string, major: number, minor: number) => `${what} has .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`,
  npyHeaderCut: (what: string) => `Malformed .npy header in ${what}: the data end inside the header length field`,
  npyHeaderShort: (what: string, declared: number, have: number) => `Malformed .npy header in ${what}: the header declares ${declared} bytes, only ${have} are present`,
  npyHeaderNotUtf8: (what: string) => `Malformed .npy header in ${what}: a version 3.0 header must be UTF-8 text`,
  npyHeaderNotDict: (what: string) => `Malformed .npy header in ${what}: the header is not a Python dict literal`,
  npyHeaderKeys: (what: string, keys: readonly string[]) => `Malformed .npy header in ${what}: it has the keys ${keys.length ? list(keys.map((k) => `'${k}'`)) : 'none'}; expected exactly 'descr', 'fortran_order' and 'shape'`,
  npyFortranOrder: (what: string) => `Malformed .npy header in ${what}: 'fortran_order' must be True or False`,
  npyShape: (what: string) => `Malformed .npy header in ${what}: 'shape' must be a tuple of non-negative integers`,
  npyDescr: (what: string) => `Malformed .npy header in ${what}: 'descr' must be a dtype string such as '<f8'`,
  npySyntax: (what: string, problem: string, at: number) => `Malformed .npy header in ${what}: ${problem} at character ${at} of the header`,
  npyDtype: (what: string, descr: unknown) => `${what} has dtype ${quote(descr)}, which hist-serial does not read; expected b1, i1…i8, u1…u8, f4 or f8 in any byte order`,
  npySize: (what: string, shape: readonly number[], itemsize: number, available: number) => `${what} declares shape (${list(shape)}) of ${itemsize}-byte items, but holds ${available} bytes of data; expected exactly ${shape.reduce((a, b) => a * b, itemsize)}`,
  // zip archives
  zipTooShort: (size: number) => `Not a zip archive: ${size} bytes cannot hold the 22-byte end of central directory record`,
  zipNoEnd: () => 'Not a zip archive, or a truncated one: no end of central directory record in the last 64 KiB',
  zipOutOfRange: (end: number, size: number) => `Truncated or corrupt zip archive: it needs bytes up to ${end}, the archive has ${size}`,
  zipFileShrank: (at: number) => `Truncated zip archive: the file ended at ${at} bytes while being read (did it change?)`,
  zipBeyond53: () => 'Corrupt zip archive: a 64-bit size or offset is beyond 2^53',
  zipLocatorDangling: () => 'Corrupt zip archive: the ZIP64 end of central directory locator points to no ZIP64 end record',
  zipSplit: () => 'The zip archive spans several disks; split archives are not read',
  zipDirectoryPastEnd: (size: number, offset: number, end: number) => `Corrupt zip archive: the central directory (${size} bytes at ${offset}) runs past its end record at ${end}`,
  zipTooManyMembers: (count: number, size: number) => `Corrupt zip archive: ${count} members cannot fit in a ${size}-byte central directory`,
  zipDirectoryEntry: (k: number) => `Corrupt zip archive: central directory entry ${k} is not where the directory says, or runs past it`,
  zipNameNotUtf8: () => 'Corrupt zip archive: a member name flagged UTF-8 is not valid UTF-8',
  zipZip64Extra: (member: string) => `Corrupt zip archive: member ${quote(member)} has sizes or offsets saturated at 0xFFFFFFFF without a ZIP64 extra field holding them`,
  zipOverlap: (member: string, other: string | undefined) => `Corrupt zip archive: member ${quote(member)} ${other === undefined ? 'runs into the central directory' : `overlaps member ${quote(other)}`}`,
  zipStoredSizes: (member: string, compressed: number, size: number) => `Corrupt zip archive: member ${quote(member)} is stored with ${compressed} bytes but declares ${size}`,
  zipNoLocalHeader: (member: string, offset: number) => `Corrupt zip archive: member ${quote(member)} has no local header at offset ${offset}`,
  zipLocalName: (member: string) => `Corrupt zip archive: the local header of member ${quote(member)} names another file`,
  zipInflateInvalid: (member: string, reason: string) => `Corrupt zip archive: the DEFLATE data of member ${quote(member)} are invalid (${reason})`,
  zipInflateShort: (member: string, got: number, declared: number) => `Corrupt zip archive: member ${quote(member)} inflates to ${got} bytes but declares ${declared}`,
  zipNpyTooLong: (what: string, declared: number, size: number) => `Malformed .npy header in ${what}: the header declares ${declared} bytes, the member has ${size}`,
  zipUnsupported: (member: string, feature: string) => `Zip member ${quote(member)} uses ${feature}, which hist-serial does not read (STORE and DEFLATE, no encryption)`,
  zipEncrypted: () => 'encryption',
  zipMethod: (method: number) => `compression method ${method}`,
  zipUnsafeName: (name: string) => `Zip member name ${quote(name)} is not a plain relative path inside the archive (absolute paths, "..", backslashes and NUL are refused)`,
  zipDuplicate: (name: string) => `Zip archive lists member ${quote(name)} more than once`,
  zipCrc: (member: string, expected: number, actual: number) => `CRC-32 mismatch in zip member ${quote(member)}: the directory says 0x${expected.toString(16).padStart(8, '0')}, the data have 0x${actual.toString(16).padStart(8, '0')}; the archive is corrupt`,
  zipRatio: (member: string, declared: number, compressed: number) => `Zip member ${quote(member)} declares ${declared} bytes from ${compressed} compressed bytes, more than DEFLATE can produce (1032:1); refused as a zip bomb or a corrupt archive`,
  zipInflateOverflow: (member: string, declared: number) => `Zip member ${quote(member)} inflates to more than its declared ${declared} bytes; refused as a zip bomb or a corrupt archive`,
  zipMemberTooLarge: (member: string, bytes: number, limit: number) => `Zip member ${quote(member)} of ${bytes} bytes is larger than the limit of ${limit} bytes (raise it with the maxInputBytes option)`,
  zipNoHistogram: () => 'The zip archive holds no histogram: a UHI zip has one NAME.json member per histogram',
  zipHistogramTwice: (name: string, first: string, second: string) => `Members ${quote(first)} and ${quote(second)} both hold histogram ${quote(name)}`,
  zipMemberName: (name: string, reason: string) => `Cannot name a zip member after ${quote(name)}: ${reason}`,
  zipNameSurrogate: () => 'it contains an unpaired UTF-16 surrogate',
  zipNameTooLong: (bytes: number) => `its UTF-8 form is ${bytes} bytes, more than 65535`,
  zipNameTaken: () => 'another member already has this name',
  zipMember: (member: string) => `zip member ${quote(member)}`,
  inZipMember: (member: string, message: string) => `In zip member ${quote(member)}: ${message}`,
  // ROOT files (reading); `where` names the record, e.g. `key "dir/h;1"` or "the file header"
  rootReadMagic: () => 'Not a ROOT file: it does not start with the magic bytes "root"',
  rootReadPastEnd: (what: string, offset: number, need: number, have: number, where: string) =>
    `Truncated or corrupt ROOT data: reading ${what} at byte ${offset} of ${where} needs ${need} byte(s), only ${Math.max(have, 0)} remain`,
  rootReadTruncated: (end: number, size: number) =>
    `Truncated ROOT file: its header says the data end at byte ${end}, but the file has ${size} bytes`,
  rootReadHeader: (what: string) => `Corrupt ROOT file header: ${what}`,
  rootReadSeek: (what: string, offset: number, length: number, size: number) =>
    `Corrupt ROOT file: ${what} (${length} bytes at byte ${offset}) lies outside the file of ${size} bytes`,
  rootReadKey: (where: string, what: string) => `Corrupt ROOT file, in ${where}: ${what}`,
  rootReadByteCount: (className: string, where: string, expected: number, actual: number) =>
    `Corrupt ROOT object in ${where}: its ${className} part should end at byte ${expected} (its byte count), but its members end at byte ${actual}`,
  rootReadUnsupportedVersion: (className: string, version: number, supported: string, where: string) =>
    `${className} class version ${version} in ${where} is not supported; this reader knows ${className} versions ${supported}`,
  rootReadMemberwise: (className: string, where: string) =>
    `${className} in ${where} is streamed member-wise, which this reader does not support`,
  rootReadBadTag: (where: string, tag: number, offset: number) =>
    `Corrupt ROOT object in ${where}: object tag 0x${tag.toString(16)} at byte ${offset} refers to no class read before it`,
  rootReadNoByteCount: (where: string, what: string, offset: number) =>
    `Corrupt or unsupported ROOT object in ${where}: ${what} at byte ${offset} has no byte count, so it cannot be skipped`,
  rootReadUnexpectedClass: (where: string, member: string, found: string, expected: string) =>
    `Unexpected class in ${where}: ${member} holds a ${quote(found)}, expected ${expected}`,
  rootReadArrayLength: (where: string, member: string, found: number, expected: number, why: string) =>
    `Corrupt ROOT histogram in ${where}: ${member} has ${found} element(s), expected ${expected} (${why})`,
  rootReadCompression: (where: string, tag: string) =>
    `Unknown ROOT compression algorithm ${quote(tag)} in ${where}; hist-serial reads ZL and CS (zlib), XZ (lzma), L4 (lz4) and ZS (zstd)`,
  rootReadDecompress: (algorithm: string, where: string, reason: string) => `Corrupt ${algorithm} data in ${where}: ${reason}`,
  rootReadBlockSizes: (where: string, sum: number, objlen: number) =>
    `Corrupt ROOT ${where}: its compressed blocks hold ${sum} bytes, but the key says the object has ${objlen}`,
  rootReadBlockRatio: (algorithm: string, where: string, declared: number, compressed: number) =>
    `ROOT ${where} declares a ${algorithm} block of ${declared} bytes from ${compressed} compressed bytes, more than ${algorithm} can produce; refused as corrupt or a decompression bomb`,
  rootReadObjectTooLarge: (where: string, bytes: number, limit: number) =>
    `ROOT ${where} holds an object of ${bytes} bytes, more than the limit of ${limit} bytes (raise it with the maxInputBytes option)`,
  rootReadChecksum: (algorithm: string, where: string, expected: string, actual: string) =>
    `${algorithm} checksum mismatch in ${where}: the file says ${expected}, the data have ${actual}; the file is corrupt`,
  rootReadTooDeep: (limit: number, path: string) =>
    `ROOT directories nested deeper than ${limit} levels at ${quote(path)}; refused as corrupt`,
  rootReadDirectoryLoop: (path: string) => `Corrupt ROOT file: directory ${quote(path)} contains itself`,
  rootReadTooManyKeys: (limit: number) => `The ROOT file lists more than ${limit} keys; refused as corrupt`,
  rootReadNotFound: (location: string, directory: string, available: readonly string[]) =>
    `No object ${quote(location)} in the ROOT file; ${directory === '' ? 'the top directory' : `directory ${quote(directory)}`} holds ${available.length ? `${list(available.slice(0, 20))}${available.length > 20 ? ', ...' : ''}` : 'nothing'}`,
  rootReadNotHistogram: (path: string, className: string) =>
    `ROOT object ${quote(path)} is a ${className}, not a histogram this reader knows (TH1*, TH2*, TH3*, TProfile, TProfile2D)`,
  rootReadBadLocation: (location: string) =>
    `Invalid location ${quote(location)} inside a ROOT file: expected a path such as dir/sub/name or name;2`,
  // fit models: HS3 and pyhf (spec.md 6); `path` is a JSON pointer into the HS3 document or pyhf workspace
  fitDuplicateName: (path: string, name: string, firstPath: string, scope: string) =>
    `Name ${quote(name)} at ${path} is already used at ${firstPath}; names must be unique within ${scope}`,
  fitDanglingReference: (path: string, kind: string, name: string, available: readonly string[]) =>
    `${path} refers to ${kind} ${quote(name)}, which is not defined; ${available.length ? `defined: ${list(available.slice(0, 12).map((n) => quote(n)))}${available.length > 12 ? ', ...' : ''}` : `there is no ${kind}`}`,
  fitCountMismatch: (path: string, found: number, expected: number | string, why: string) =>
    `${path} has ${found} value(s), expected ${expected} (${why})`,
  fitBinsOfAxes: (path: string) => `the number of bins of the axes at ${path}`,
  fitBinsOfFirstSample: (path: string) => `the number of bins of the first sample, ${path}`,
  fitOnePerContent: () => 'one per entry of contents',
  fitOnePerAxis: (path: string) => `one coordinate per axis of ${path}`,
  fitOnePerEntry: () => 'one per entry of entries',
  fitOnePerDistribution: (path: string) => `one data set or value per distribution of ${path}`,
  hs3Version: (path: string, found: string, supported: string) =>
    `Unsupported hs3_version ${quote(found)} at ${path}; this hist-serial reads HS3 ${supported} ("${supported}" or "${supported}.x")`,
  hs3Legacy: () =>
    'This looks like ROOT\'s JSON layout from before HS3 0.2 (no metadata, distributions keyed by name); hist-serial reads HS3 0.2 only: re-export it with a current ROOT',
  hs3UnknownTopLevel: (path: string, key: string) =>
    `Unknown top-level component ${quote(key)} at ${path}; HS3 0.2 defines metadata, distributions, functions, data, likelihoods, domains, parameter_points, analyses and misc (put custom information in misc)`,
  hs3AnalysisNameClash: (path: string, name: string, firstPath: string) =>
    `Analysis name ${quote(name)} at ${path} is also the name at ${firstPath}; HS3 names must be unique (ROOT names each analysis after its likelihood)`,
  hs3UnknownType: (path: string, what: string, type: string) =>
    `Unknown ${what} type ${quote(type)} at ${path}: kept as is, but hist-serial cannot check it (HS3 0.2 types are listed in spec.md 6.1)`,
  hs3CrystalBallMixed: (path: string, symmetric: string, sided: string) =>
    `crystalball_dist component ${quote(sided)} at ${path} is used together with ${quote(symmetric)}; give either ${symmetric} or its _L/_R pair`,
  hs3MixtureExtended: (path: string) =>
    `Mixture at ${path} is extended but has one coefficient fewer than summands; with n - 1 coefficients extended must be false`,
  hs3ModifierNoParameter: (path: string) =>
    `Modifier at ${path} has none of "parameter", "parameters" or "name"; the parameter it depends on is unknown`,
  hs3Constraint: (path: string, value: string) =>
    `Constraint ${quote(value)} at ${path} is not one of Gauss, Poisson, LogNormal (the HS3 names; ROOT also writes Const and Lognormal)`,
  hs3ConflictingConstraint: (path: string, parameter: string, constraint: string, firstConstraint: string, firstPath: string) =>
    `Modifier at ${path} constrains parameter ${quote(parameter)} by ${constraint}, but the modifier at ${firstPath} constrains it by ${firstConstraint}; modifiers sharing a parameter must share its constraint`,
  hs3DataErrors: (path: string) =>
    `Binned data at ${path} has "errors", which HS3 does not define (ROOT reads it); use "uncertainty": {"type": "gaussian_uncertainty", "sigma": [...]}`,
  hs3AxisConst: (path: string) => `${path}: HS3 forbids "const" in axes (axes are observables, not parameters)`,
  hs3AxisCategoriesMixed: (path: string) => `Categorical axis at ${path} also has min, max, nbins or edges; a categorical axis has only name and categories`,
  hs3AxisForbiddenBinning: (path: string) => `Axis at ${path} has nbins or edges; axes of unbinned and point data have no binning`,
  hs3AxisMissingBound: (path: string, bound: string) =>
    `Axis at ${path} has no "${bound}"; HS3 requires min and max (ROOT omits infinite bounds); read as unbounded`,
  hs3AxisBothBinnings: (path: string) => `Axis at ${path} has both nbins and edges; expected exactly one`,
  hs3AxisNoBinning: (path: string) => `Axis at ${path} has neither nbins nor edges; an axis of binned data needs exactly one`,
  hs3EdgesBound: (path: string, edge: number, bound: string, value: number) =>
    `Edge ${quote(edge)} at ${path} differs from the axis ${bound} ${quote(value)}; the first and last edges must be min and max`,
  hs3ParameterExtra: (path: string, key: string) => `${path}: ${quote(key)} is not an HS3 component of a parameter point (ROOT reads it)`,
  hs3PairBins: (path: string, data: string, found: number, dist: string, expected: number) =>
    `${path}: data ${quote(data)} has ${found} bin(s) but distribution ${quote(dist)} has ${expected}`,
  hs3AnalysisNoDomain: (path: string) => `Analysis at ${path} is missing required property "domain" (or ROOT's "domains")`,
  hs3AnalysisDomains: (path: string) =>
    `Analysis at ${path} has "domains" (an array, as ROOT and pyhs3 write) but no "domain"; HS3 0.2 specifies "domain" (one name)`,
  hs3PoiNotParameter: (path: string, poi: string, likelihood: string) =>
    `Parameter of interest ${quote(poi)} at ${path} is not a parameter of likelihood ${quote(likelihood)}`,
  hs3UndeclaredParameter: (path: string, parameter: string, analysis: string, elsewhere: string | undefined) =>
    `Parameter ${quote(parameter)} (used at ${path}) is neither in a domain of the analysis at ${analysis} nor constant in its init point${elsewhere ? `; it is declared at ${elsewhere}` : ', and no domain or parameter point declares it'}`,
  hs3UndeclaredAnywhere: (path: string, parameter: string) =>
    `Parameter ${quote(parameter)} of the modifier at ${path} is declared in no domain or parameter point; its range and starting value are unknown`,
  pyhfNoObservation: (path: string, channel: string) => `Channel ${quote(channel)} at ${path} has no observation; every channel needs one in observations`,
  pyhfBinsOfChannel: (channel: string) => `the number of bins of channel ${quote(channel)}`,
  pyhfNameReuse: (path: string, name: string, type: string, firstType: string, firstPath: string) =>
    `Modifier ${quote(name)} at ${path} is a ${type}, but the modifier of the same name at ${firstPath} is a ${firstType}; pyhf shares a parameter only between modifiers of one type (or normsys and histosys)`,
  pyhfShapesysShared: (path: string, name: string, firstPath: string) =>
    `shapesys ${quote(name)} at ${path} is also defined at ${firstPath}; pyhf does not share shapesys parameters between samples`,
  pyhfSharedSize: (path: string, name: string, size: number, firstSize: number, firstPath: string) =>
    `Modifier ${quote(name)} at ${path} needs ${size} parameters, but at ${firstPath} it needs ${firstSize}; a shared per-bin parameter needs channels with the same number of bins`,
  pyhfPoiVector: (path: string, poi: string, type: string, size: number) =>
    `POI ${quote(poi)} at ${path} is a ${type} with ${size} parameters; a POI must be a single parameter`,
  pyhfUnusedConfig: (path: string, name: string) => `Parameter configuration ${quote(name)} at ${path} names no modifier of the model; pyhf ignores it`,
  pyhfLumiConfig: (path: string, measurement: string, missing: readonly string[]) =>
    `Measurement ${quote(measurement)} at ${path} uses the lumi modifier but does not configure its ${list(missing)}; pyhf has no defaults for them`,
  pyhfUnusedKey: (path: string, name: string, key: string, type: string) => `${path}: parameter ${quote(name)} is a ${type}, which does not use ${quote(key)}`,
  pyhfComponents: (name: string, type: string) => `one per component of the ${type} parameter ${quote(name)}`,
  pyhfBoundOrder: (path: string, lo: number, hi: number) => `Bound at ${path} is [${quote(lo)}, ${quote(hi)}]; expected [min, max] with min <= max`,
  convParameterClash: (name: string, a: string, b: string) =>
    `pyhf parameters ${quote(a)} and ${quote(b)} would both be HS3 parameter ${quote(name)} (normsys and histosys N become alpha_N); rename one`,
  convPyhfOnlySetting: (path: string, parameter: string, key: string) =>
    `${path}: the ${key} of parameter ${quote(parameter)} has no place in HS3 (its HistFactory constraints have unit width around the nominal value); kept only in misc["hist-serial"] for the way back to pyhf`,
  convLumiSigma: (path: string, measurement: string, dist: string) =>
    `${path}: measurement ${quote(measurement)} gives lumi another width than ${dist} (made from the first measurement); kept only in misc["hist-serial"] for the way back to pyhf`,
  convUnusedConfig: (path: string, name: string) =>
    `${path}: parameter configuration ${quote(name)} names no parameter of the model (pyhf ignores it); kept only in misc["hist-serial"] for the way back to pyhf`,
  convTwoStaterrors: (path: string) => `Modifier at ${path} is a second staterror of its sample; HS3 keeps one set of errors per sample`,
  convNoAnalysis: (name: string, available: readonly string[]) =>
    `No analysis ${quote(name)} in the HS3 document; it has ${available.length ? list(available.map((n) => quote(n))) : 'none'}`,
  convNoLikelihood: () => 'The HS3 document has no likelihood, so there is nothing to convert to a pyhf workspace',
  convNameClash: (path: string, name: string, a: readonly string[], b: readonly string[]) =>
    `Modifier at ${path} becomes pyhf parameter ${quote(name)} on HS3 parameter(s) ${list(b.map((n) => quote(n)))}, but another modifier of that name uses ${list(a.map((n) => quote(n)))}`,
  convSkippedAnalyses: (names: readonly string[], likelihood: string) =>
    `Analyses ${list(names.map((n) => quote(n)))} use another likelihood than ${quote(likelihood)} and are not converted (a pyhf workspace has one set of observations)`,
  convAuxDropped: (path: string) => `${path}: auxiliary distributions have no place in a pyhf workspace and are dropped`,
  convNotHistFactory: (path: string, name: string, type: string) =>
    `${path}: distribution ${quote(name)} is a ${type}; a pyhf workspace holds only histfactory_dist channels`,
  convNotBinnedData: (path: string, name: string) => `${path}: data ${quote(name)} is not binned data; pyhf observations are bin counts`,
  convBinningDropped: (path: string) =>
    `${path}: pyhf stores no binning; the axes (names, edges, ranges, dimensions) are dropped and the contents kept in row-major order`,
  convInterpolation: (path: string, type: string, expected: string) =>
    `${path}: pyhf applies its own interpolation to ${type} (${expected}); this interpolation is dropped`,
  convConstraintDropped: (path: string, parameter: string) =>
    `${path}: pyhf has no constrained normfactor; the constraint of ${quote(parameter)} is dropped (only a Gaussian on the luminosity "lumi" becomes pyhf's lumi modifier)`,
  convConstraint: (path: string, type: string, found: string, expected: string) =>
    `${path}: a ${type} constrained by ${quote(found)} becomes a pyhf ${type}, whose constraint is ${expected}`,
  convNoPyhfName: (path: string) => `Modifier at ${path} has no name and parameters of no recognisable pattern; cannot name it in pyhf`,
  convStaterrorSqrt: (path: string) =>
    `${path} has a staterror modifier but no errors; the staterror data are sqrt(contents), as ROOT assumes`,
  convModifierType: (path: string, type: string) => `Modifier type ${quote(type)} at ${path} has no pyhf equivalent`,
  convManyPois: (path: string, pois: readonly string[]) =>
    `${path} lists ${pois.length} parameters of interest (${list(pois.map((n) => quote(n)))}); pyhf has one, the first is kept`,
  convLumiValues: (path: string) => `The luminosity constraint used by the analysis at ${path} has a nominal value or width that no parameter point gives`,
  convPartlyConstant: (path: string, name: string) =>
    `${path}: some but not all components of pyhf parameter ${quote(name)} are constant; pyhf fixes a parameter set as a whole, so none is fixed`,
  hs3CategoricalPending: (path: string) =>
    `Categorical axis at ${path} becomes an HS3 axis with "categories", a pending HS3 extension (pull request 108) that HS3 0.2 readers may not know`,
  hs3AxisType: (path: string, type: string) => `Axis at ${path} of type ${quote(type)} has no HS3 equivalent; HS3 binned data has regular, irregular and (pending) string-category axes`,
  hs3EmptyStorage: (name: string) => `Histogram ${quote(name)} has no bin contents (empty storage); HS3 binned data needs them`,
  hs3StorageType: (name: string, type: string) =>
    `Histogram ${quote(name)} has ${type} storage; HS3 binned data holds counts (int, double) and Gaussian uncertainties (weighted)`,
  hs3FlowDropped: (name: string) => `Histogram ${quote(name)} has non-empty flow bins; HS3 binned data has no flow bins, so they are dropped`,
  hs3CorrelationDropped: (path: string) => `${path}: a histogram has no bin-to-bin correlations; the correlation matrix is dropped`,
  convNotModel: (file: string, to: string) =>
    `${file} is not a pyhf workspace or an HS3 document, so it cannot be converted --to ${to} (histograms become HS3 binned data through the library: toHS3BinnedData)`,
  notHistograms: (file: string, kind: string) =>
    `${file} is ${({ hs3: 'an HS3 fit model', pyhf: 'a pyhf workspace', 'fit-result': 'a fit result' } as Record<string, string>)[kind] ?? `a ${kind} document`}, not a histogram file`,
  convModelTarget: (file: string, kind: string) =>
    `${file} is ${kind === 'hs3' ? 'an HS3 document' : 'a pyhf workspace'}, not histograms; convert it with --to ${kind === 'hs3' ? 'pyhf' : 'hs3'} (or --to ${kind} to rewrite it)`,
  // minimiser, Hesse and asymptotic inference (src/fit/minimize.ts, hesse.ts, infer.ts)
  fitVectorLength: (what: string, found: number, expected: number) =>
    `${what} has ${found} entries; expected ${expected}, one per parameter of the objective`,
  fitParameterIndex: (index: number, count: number) =>
    `Parameter index ${quote(index)} is out of range; the objective has ${count} parameters (0 to ${count - 1})`,
  fitNonFiniteStart: (what: string) =>
    `The objective cannot be minimised from its starting point: ${what}; check the model for NaN or negative rates and the initial values`,
  fitHessianNonFinite: (name: string, value: number) =>
    `The Hessian cannot be computed at ${quote(name)} = ${quote(value)}: the objective is not finite on either side of it`,
  fitMinimizeStatus: (status: number, edm: number, tolerance: number, iterations: number, evaluations: number) =>
    [
      `converged: EDM ${edm.toExponential(2)} below ${tolerance.toExponential(1)}`,
      `not converged: EDM ${edm.toExponential(2)} above ${tolerance.toExponential(1)} and no further decrease found`,
      `not converged: call limit reached with EDM ${edm.toExponential(2)} (tolerance ${tolerance.toExponential(1)})`,
      `not converged: the line search found no decrease, EDM ${edm.toExponential(2)} (tolerance ${tolerance.toExponential(1)})`,
    ][status]! + ` after ${iterations} iterations and ${evaluations} evaluations`,
  fitNoPoi: () => 'The model has no parameter of interest (POI); hypothesis tests and upper limits need one',
  fitPoiFixed: (name: string) => `The parameter of interest ${quote(name)} is fixed; hypothesis tests and upper limits need it free`,
  fitPoiLowerBound: (name: string, lower: number) =>
    `The q̃μ test statistic needs the parameter of interest ${quote(name)} bounded below at 0; its lower bound is ${quote(lower)}`,
  fitLimitBracket: (band: string, lo: number, hi: number) =>
    `The ${band} upper limit is not bracketed: CLs does not cross the level between ${quote(lo)} and ${quote(hi)}`,
  fitScanValues: (bad: number | undefined) =>
    bad === undefined ? 'A profile scan needs at least one value of the scanned parameter' : `Scan value ${quote(bad)} is not a finite number; a profile scan needs finite values of the scanned parameter`,
  fitNoData: (what: string) => `Goodness of fit needs the model's ${what}; this model does not give it`,
  // fit results (spec.md 7); `path` is a JSON pointer into the fit-result document
  fitResultVersion: (path: string, found: unknown, supported: number) =>
    `Unsupported fit_result_schema version ${quote(found)} at ${path}; this hist-serial reads versions up to ${supported}`,
  fitResultsNone: (file: string) => `${file} holds no fit results: expected a fit-result JSON file or a document with a "fit_results" section (.hsb, .hsj)`,
  fitResultNotUtf8: () => 'Invalid JSON: the fit-result file is not valid UTF-8 text',
  fitResultNotObject: (path: string, kind: string) => `Expected a fit result (a JSON object) at ${at(path)}, found ${kind}`,
  duplicateParameter: (path: string, name: string, first: string) =>
    `Parameter name ${quote(name)} at ${path} is already used at ${first}; parameter names must be unique`,
  unknownParameter: (path: string, name: string, known: readonly string[]) =>
    `${quote(name)} at ${path} names no parameter of the fit result; it has ${known.length ? `${list(known.slice(0, 10).map((k) => quote(k)))}${known.length > 10 ? ', ...' : ''}` : 'none'}`,
  matrixUnknownOrder: (path: string) =>
    `Matrix at ${path} has no "parameters" list and the fit result lists no parameters; its rows cannot be matched to parameters`,
  matrixNotSymmetric: (path: string, value: number, mirror: number, i: number, j: number) =>
    `Matrix element ${quote(value)} at ${path} differs from its mirror element [${j}][${i}] = ${quote(mirror)}; expected a symmetric matrix`,
  negativeVariance: (path: string, value: number, name: string) =>
    `Variance ${quote(value)} of parameter ${quote(name)} at ${path} is not positive; expected a positive number (0 only for a fixed parameter)`,
  correlationRange: (path: string, value: number) =>
    `Correlation ${quote(value)} at ${path} is outside [-1, 1]`,
  correlationDiagonal: (path: string, value: number, name: string) =>
    `Correlation of parameter ${quote(name)} with itself is ${quote(value)} at ${path}; expected 1 (or 0 for a fixed parameter)`,
  minosSign: (path: string, side: 'lower' | 'upper', value: number) =>
    side === 'lower'
      ? `MINOS lower error ${quote(value)} at ${path} is positive; it is an offset from the best-fit value, expected <= 0`
      : `MINOS upper error ${quote(value)} at ${path} is negative; it is an offset from the best-fit value, expected >= 0`,
  intervalOrder: (path: string, lower: number, upper: number, what: string) =>
    `${what} at ${path} has lower ${quote(lower)} above upper ${quote(upper)}; expected lower <= upper`,
  probabilityRange: (path: string, value: number, what: string) => `${what} ${quote(value)} at ${path} is not a probability; expected a number in [0, 1]`,
  valueOutOfBounds: (path: string, value: number, lower: number | undefined, upper: number | undefined) =>
    `Parameter value ${quote(value)} at ${path} lies outside its bounds [${lower ?? '-inf'}, ${upper ?? 'inf'}]`,
  extrasArrayKey: (key: string) =>
    `Cannot store the array at ${key} out of band: a histogram array already uses that key`,
  // HistFactory likelihoods (src/fit/histfactory/); `path` is a JSON pointer into the pyhf workspace or HS3 document
  hfNoMeasurement: (name: string, available: readonly string[]) =>
    `No measurement ${quote(name)} in the workspace; it has ${available.length ? list(available.map((n) => quote(n))) : 'none'}`,
  hfNoParameters: () => 'The model has no parameters (no sample has a modifier); pyhf cannot build it either',
  hfNameReuse: (path: string, name: string, type: string, firstType: string) =>
    `Modifier ${quote(name)} at ${path} is a ${type}, whose parameter differs from that of the ${firstType} of the same name; use unique modifier names`,
  hfConfigLength: (path: string, name: string, key: string, found: number, expected: number) =>
    `${path}: the ${key} of parameter ${quote(name)} has ${found} value(s); the model has ${expected} component(s)`,
  hfConfigMissing: (path: string, name: string, type: string, measurement: string, missing: readonly string[]) =>
    `Parameter ${quote(name)} (${type}) has no default ${list(missing)}; measurement ${quote(measurement)} at ${path} must configure them`,
  hfInterpolationCode: (path: string, type: string, code: string) =>
    `Interpolation ${quote(code)} cannot apply to the ${type} at ${path}; ${type === 'histosys' ? 'histosys takes code0, code2 or code4p' : 'normsys takes code0, code1, code2, code4 or code4p'}`,
  hfHS3Interpolation: (path: string, type: string, found: string) =>
    `Interpolation ${found} at ${path} is not one hist-serial evaluates for a ${type}; expected {"type": "add", "in": "poly1"} (code 0), ${type === 'normsys' ? '{"type": "mult", "in": "exp"} (code 1), ' : ''}{"type": "add", "in": "poly2", "out": "poly1"} (code 2), ${type === 'normsys' ? '{"type": "mult", "in": "poly6", "out": "exp"} (code 4), ' : ''}{"type": "add", "in": "poly6", "out": "poly1"} (code 4p)`,
  hfSharedBins: (path: string, name: string, type: string, nbins: number, size: number) =>
    `The ${type} ${quote(name)} at ${path} covers ${nbins} bins, but its parameter set, made where it is first used, has ${size}; per-bin modifiers shared between channels need channels of the same bins`,
  hfStaterrorChannels: (path: string, name: string) =>
    `staterror ${quote(name)} at ${path}: the samples that have it must have it in the same channels (pyhf builds one set of bins for it)`,
  hfDataLength: (what: string, found: number, expected: number) => `The ${what} has ${found} value(s); the model has ${expected}`,
  hfParamsLength: (found: number, expected: number) => `Got ${found} parameter value(s); the model has ${expected} parameters`,
  hfRateNotFinite: (path: string, channel: string, sample: string | undefined, bin: number, value: number) =>
    `Expected count ${quote(value)} in bin ${bin} of channel ${quote(channel)}${sample === undefined ? '' : `, sample ${quote(sample)}`} (${path}) at the initial parameters; expected a finite number (check the modifiers' data: a normsys hi or lo ≤ 0, NaN or infinite values)`,
  hfRateNegative: (path: string, channel: string, bin: number, value: number) =>
    `Expected count ${quote(value)} in bin ${bin} of channel ${quote(channel)} (${path}) is negative at the initial parameters; a Poisson rate must be ≥ 0`,
  hfNotModelFile: (kind: string) =>
    `The file holds ${({ histograms: 'histograms', 'fit-result': 'a fit result' } as Record<string, string>)[kind] ?? `a ${kind} document`}, not a fit model; expected a pyhf workspace or an HS3 document`,
  hfNotModel: (kind: string) => `Expected a pyhf workspace or an HS3 document, found ${kind === 'unknown' ? 'neither' : `a ${kind} document`}`,
  fitNeedsAsimov: (likelihood: string, hasPoi: boolean) =>
    hasPoi
      ? `CLs and limits need Asimov data; likelihood "${likelihood}" cannot make them (supported: HistFactory models, and HS3 likelihoods of binned or extended unbinned data)`
      : `CLs and limits need a parameter of interest; the analysis of likelihood "${likelihood}" names none (parameters_of_interest)`,
  fitScanParameter: (name: string | undefined, known: readonly string[]) =>
    name === undefined ? `The model has no parameter of interest; name the scanned parameter with --parameter (one of ${known.join(', ')})` : `Unknown parameter "${name}"; the model has ${known.join(', ')}`,
  hfUnknownParameter: (name: string, known: readonly string[]) =>
    `${quote(name)} names no parameter of the model; it has ${list(known.slice(0, 10).map((k) => quote(k)))}${known.length > 10 ? `, ... (${known.length})` : ''}`,
  hfParameterValue: (name: string, value: unknown) => `Value ${quote(value)} of parameter ${quote(name)} is not a finite number`,
  hfParamsFile: (file: string, why: string) => `Parameter file ${file}: ${why}; expected a JSON object {"name": value, ...} (or {"parameters": {...}})`,
} as const;

/** Messages of the HS3 evaluator (src/model/hs3/eval). */
export const HS3_EVAL_MESSAGES = {
  badNormalization: (path: string, value: number) =>
    `The distribution at ${path} integrates to ${value} over its domain; it cannot be normalised (check its parameters and the axis domain)`,
  badParameterValue: (key: string, value: number, path: string, expected: string) => `"${key}" at ${path} is ${value}; expected ${expected}`,
  mvnShape: (path: string, k: number) => `multivariate_normal_dist at ${path}: "mean" must have ${k} entries and "covariances" be ${k}×${k}, as "x"`,
  mvnNotPositive: (path: string) => `multivariate_normal_dist at ${path}: the covariance matrix is not positive definite`,
  observableFunction: (name: string, path: string) =>
    `"${name}" at ${path} is an observable (an axis of a data set); a function of an observable is only read where a distribution takes one (generic_dist, density_function_dist, log_density_function_dist, rate_density_dist, bincounts_density_dist, efficiency_product_pdf_dist)`,
  binnedDistribution: (type: string, path: string) =>
    `Binned data at ${path} need a distribution over the data's axes with bin integrals (one axis: fundamental shapes, mixtures of them, rate_extended_dist, bincounts_extended_dist; several: a product_dist of one-dimensional factors); got ${type}`,
  binnedAxes: (path: string) => `Binned data at ${path}: every axis needs "nbins" (with min < max) or increasing "edges", and "contents" must have one value per bin (the product of the axes' bins)`,
  inlineData: (path: string, value: unknown) => `Inline data at ${path} must be a number (one observation of a one-dimensional distribution), got ${JSON.stringify(value)}`,
  histfactoryMixed: (path: string) =>
    `histfactory_dist at ${path} is in a likelihood with other kinds of distributions; HistFactory likelihoods are fitted on their own (every distribution a histfactory_dist)`,
  unknownAnalysis: (name: string) => `Unknown analysis "${name}"`,
  uncertaintyType: (path: string) => `The uncertainty at ${path} is not a {"type": "gaussian_uncertainty", …}, the only kind HS3 0.2 defines`,
  uncertaintySigma: (path: string, n: number) => `${path} must hold ${n} positive numbers (one per bin), or for "correlation" a ${n}×${n} matrix or 0`,
  nesting: (path: string, max: number) => `Distributions and functions nest deeper than ${max} levels at ${path}; refusing to build them`,
  functionVariable: (path: string, variable: string, expected: string) => `The function at ${path} depends on "${variable}"; the distribution's observable is "${expected}"`,
  lineShapeKind: (kind: unknown, path: string, known: readonly string[]) => `Unknown line shape ${JSON.stringify(kind)} at ${path}; expected one of ${known.join(', ')}`,
  noLikelihood: () => 'The HS3 document has no likelihoods: there is nothing to evaluate or fit (its distributions can still be evaluated with createHs3Evaluator)',
  asimovAux: (type: string, path: string) => `Asimov data for the inline observation of ${path} (a ${type}) are not defined; supported for gaussian_dist, normal_dist and poisson_dist constraint terms`,
  genericObservables: (path: string, observables: readonly string[]) =>
    `generic_dist expression at ${path} must depend on exactly one observable (an axis of a data set); it depends on ${observables.length ? observables.map((o) => `"${o}"`).join(', ') : 'none'}`,
  entryShape: (path: string, naxes: number) => `Unbinned entry at ${path} must be an array of ${naxes} numbers (one per axis)`,
  weightsShape: (path: string, n: number) => `"weights" at ${path} must be an array of ${n} numbers (one per entry)`,
  unknownFunctionType: (type: unknown, path: string) =>
    `Unsupported function type ${JSON.stringify(type)} at ${path}; the evaluator supports sum, product, polynomial, generic_function`,
  unknownType: (type: unknown, path: string, supported: readonly string[]) =>
    `Unsupported distribution type ${JSON.stringify(type)} at ${path}; the evaluator supports ${supported.join(', ')}`,
  unknownDistribution: (name: string, path: string) => `Unknown distribution "${name}" referenced at ${path}`,
  unknownParameter: (name: string, path: string, point: string) =>
    `Parameter "${name}" at ${path} has no value in parameter point "${point}"`,
  badValue: (value: unknown, path: string) => `Expected a number or a parameter name at ${path}, got ${JSON.stringify(value)}`,
  missingKey: (key: string, path: string) => `Missing key "${key}" at ${path}`,
  noDomain: (variable: string, path: string) =>
    `No axis domain for variable "${variable}" (needed at ${path}); expected it among the axes of an unbinned data set`,
  cycle: (name: string) => `Distribution "${name}" refers to itself`,
  coefficientCount: (path: string, summands: number, coefficients: number, extended: boolean) =>
    `Mixture at ${path} has ${summands} summands and ${coefficients} coefficients; expected ${extended ? summands : `${summands - 1} or ${summands}`}`,
  mixedObservables: (path: string) => `Mixture summands at ${path} do not share the same observables`,
  bwAngularMomentum: (l: unknown, path: string) =>
    `Blatt-Weisskopf factor for l = ${JSON.stringify(l)} at ${path} is not implemented; supported l = 0, 1, 2`,
  quadrature: (path: string, error: number, value: number) =>
    `Normalisation integral at ${path} did not converge (estimate ${value}, error ${error})`,
  unknownLikelihood: (name: string) => `Unknown likelihood "${name}"`,
  unknownData: (name: string, path: string) => `Unknown data set "${name}" at ${path}`,
  dataType: (type: unknown, path: string) => `Data set type ${JSON.stringify(type)} at ${path} is not supported by the evaluator; expected unbinned`,
  missingAxis: (variable: string, path: string) => `Data set at ${path} has no axis "${variable}"`,
  unknownPoint: (name: string) => `Unknown parameter point "${name}"`,
  // generic expressions (src/model/hs3/eval/expression.ts); positions are 0-based character indices
  exprSyntax: (source: string, path: string, index: number, problem: string) =>
    `Invalid expression ${quote(source)} at ${path}: ${problem} at character ${index} (${index >= source.length ? 'end of the expression' : `near ${quote(source.slice(index, index + 12))}`}); expected an HS3 generic expression`,
  exprFunctionSpace: (source: string, path: string, name: string, index: number) =>
    `Invalid expression ${quote(source)} at ${path}: space between the function name "${name}" and "(" at character ${index}; HS3 requires the "(" right after the name (${name}(...))`,
  exprUnknownFunction: (source: string, path: string, name: string, index: number, supported: readonly string[]) =>
    `Unknown function "${name}" at character ${index} of expression ${quote(source)} at ${path}; HS3 generic expressions have ${list(supported)}`,
  exprArity: (source: string, path: string, name: string, index: number, expected: number, got: number) =>
    `Function "${name}" at character ${index} of expression ${quote(source)} at ${path} has ${got} argument${got === 1 ? '' : 's'}; expected ${expected}`,
  exprUnsupported: (source: string, path: string, what: string, index?: number) =>
    `${what}${index === undefined ? '' : ` at character ${index}`} in expression ${quote(source)} at ${path} is not part of HS3 generic expressions; expected numbers, symbols, + - * / ^, comparisons, ! && ||, ?: and the spec's functions`,
  exprTooLong: (path: string, length: number, max: number) => `Expression at ${path} is ${length} characters long; the limit is ${max}`,
  exprTooDeep: (source: string, path: string, max: number, index?: number) =>
    `Expression ${quote(source)} at ${path} nests deeper than ${max} levels${index === undefined ? '' : ` (at character ${index})`}`,
  exprNotString: (value: unknown, path: string) => `Expected an expression string at ${path}, got ${quote(value)}`,
  exprValueCount: (source: string, path: string, symbols: readonly string[], got: number) =>
    `Expression ${quote(source)} at ${path} needs ${symbols.length} values (${list(symbols)}), got ${got}`,
} as const;
