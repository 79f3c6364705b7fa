/**
 * Files written by scikit-hep/uhi's own JSON writer (../shared/reference/uhi-generated): read them,
 * check every value against MANIFEST.json (computed by numpy when the files were made) and against
 * the file itself, then write → read them back and check nothing changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  VERSION,
  decodeDocument,
  denseShape,
  encodeDocument,
  readDocument,
  storageSums,
  type HistDocument,
  type Histogram,
} from '../src/index.js';
import {
  CASES,
  SPOT_VALUES,
  axisAsManifest,
  dump,
  leaves,
  manifest,
  modelArrays,
  nanSum,
  readRawFile,
  type Json,
} from './helpers/manifest.js';
import { describeReference, ref } from './helpers/reference.js';

// ---------------------------------------------------------------------------------------------

describeReference('uhi-generated reference files', () => {
  it('MANIFEST lists the 11 cases and 2 edge cases these tests know', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(SPOT_VALUES).sort());
  });

  describe.each(CASES)('$name', ({ name, kase }) => {
    const { summary } = kase;
    let doc: HistDocument;
    let h: Histogram;
    let rawHist: Json;

    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', kase.files.json.path));
      h = doc.histograms.get(name)!;
      rawHist = readRawFile(kase.files.json.path)[name] as Json;
    });

    it('holds exactly this one histogram', () => {
      expect([...doc.histograms.keys()]).toEqual([name]);
      expect(h.uhi_schema).toBe(1);
    });

    it('has the axes and dense shape of the manifest', () => {
      expect(h.axes.map(axisAsManifest)).toStrictEqual(summary.axes);
      for (const a of h.axes) {
        if (a.type === 'variable') expect(a.edges).toBeInstanceOf(Float64Array);
        if (a.type === 'category_int') expect(a.categories).toBeInstanceOf(Float64Array);
      }
      expect(denseShape(h)).toEqual(summary.dense_shape);
    });

    it('has the storage type, layout and arrays of the manifest', () => {
      expect(h.storage.type).toBe(summary.storage_type);
      expect(h.storage.layout).toBe(summary.layout);
      const arrays = modelArrays(h);
      expect(Object.keys(arrays)).toEqual(Object.keys(summary.arrays));
      const sums = storageSums(h) as Record<string, { total: number | string; nanCount: number }>;
      for (const [field, expected] of Object.entries(summary.arrays)) {
        const arr = arrays[field]!;
        expect(arr.shape, field).toEqual(expected.shape);
        // JSON cannot carry a dtype: hist-serial reads int storage and sparse indices as i8 and every
        // other array as f8, whatever the writer had (double_float32 is '<f4' in the manifest because
        // the .npy/HDF5 files keep float32; its JSON has plain numbers).
        const integral = h.storage.type === 'int' || field === 'index';
        expect(arr.dtype, field).toBe(integral ? 'i8' : 'f8');
        expect(expected.dtype, field).toBe(integral ? '<i8' : name === 'double_float32' ? '<f4' : '<f8');
        if (integral) {
          expect(arr.data, field).toBeInstanceOf(BigInt64Array);
          expect(Number.isInteger(expected.nansum), field).toBe(true);
          expect(expected.nan_count, field).toBe(0);
          let sum = 0n;
          for (const v of arr.data as BigInt64Array) sum += v;
          expect(sum, field).toBe(BigInt(expected.nansum));
        } else {
          expect(arr.data, field).toBeInstanceOf(Float64Array);
          const { sum, nans } = nanSum(arr.data as Float64Array);
          expect(nans, field).toBe(expected.nan_count);
          if (Number.isInteger(expected.nansum)) expect(sum, field).toBe(expected.nansum);
          else expect(sum, field).toBeCloseTo(expected.nansum, 12);
        }
        // The library's own sums agree (the index is not a storage field, so it has none).
        if (field !== 'index') {
          const s = sums[field]!;
          expect(s.nanCount, field).toBe(expected.nan_count);
          if (integral) expect(s.total, field).toBe(String(expected.nansum));
          else expect(s.total as number, field).toBeCloseTo(expected.nansum, 12);
        }
      }
    });

    it('has every stored element of the file, exactly (NaN and signed zeros included)', () => {
      const rawStorage = rawHist.storage as Json;
      const arrays = modelArrays(h);
      expect(Object.keys(arrays).sort()).toEqual(Object.keys(rawStorage).filter((k) => k !== 'type').sort());
      const mismatches: string[] = [];
      for (const [field, arr] of Object.entries(arrays)) {
        const expected = leaves(rawStorage[field]);
        expect(arr.data.length, field).toBe(expected.length);
        expected.forEach((want, i) => {
          const got = arr.data[i];
          const same = typeof got === 'bigint' ? Number.isSafeInteger(want) && got === BigInt(want) : Object.is(got, want);
          if (!same) mismatches.push(`${field}[${i}]: file ${want}, model ${String(got)}`);
        });
      }
      expect(mismatches).toEqual([]);
    });

    it('has the hand-picked bin contents', () => {
      const arrays = modelArrays(h);
      for (const [field, flat, want] of SPOT_VALUES[name]!) {
        expect(arrays[field]!.data[flat], `${field}[${flat}]`).toBe(want);
      }
    });

    it("keeps the file's metadata and writer_info (histogram and axes)", () => {
      expect(h.metadata).toStrictEqual(rawHist.metadata);
      expect(h.writer_info).toStrictEqual(rawHist.writer_info);
      const rawAxes = rawHist.axes as Json[];
      expect(h.axes).toHaveLength(rawAxes.length);
      h.axes.forEach((a, i) => {
        expect(a.metadata, `axis ${i}`).toStrictEqual(rawAxes[i]!.metadata);
        expect(a.writer_info, `axis ${i}`).toStrictEqual(rawAxes[i]!.writer_info);
      });
    });

    it('writes UHI JSON that reads back identical, without touching the input document', async () => {
      const before = dump(doc);
      const bytes = await encodeDocument(doc, { format: 'uhi-json' });
      expect(dump(doc)).toStrictEqual(before);

      const back = await decodeDocument(bytes);
      expect([...back.histograms.keys()]).toEqual([name]);
      const h2 = back.histograms.get(name)!;
      // Everything but writer_info: axes (typed edges and categories), storage (dtype, shape, every
      // element as Object.is sees it), metadata, uhi_schema.
      expect(dump({ ...h2, writer_info: undefined })).toStrictEqual(dump({ ...h, writer_info: undefined }));
      // writer_info: the same, plus hist-serial's version (other keys of a hist-serial entry kept).
      const original = h.writer_info ?? {};
      expect(h2.writer_info).toStrictEqual({ ...original, 'hist-serial': { ...original['hist-serial'], version: VERSION } });

      // Writing what was read back gives the same bytes: the output is a fixed point.
      expect(Buffer.from(await encodeDocument(back, { format: 'uhi-json' })).equals(Buffer.from(bytes))).toBe(true);
    });
  });

  it('all.json holds every case, in order, each equal to its own file', async () => {
    const combined = manifest!.combined['all.json'].histograms;
    expect(combined).toEqual(Object.keys(manifest!.cases));
    const all = await readDocument(ref('uhi-generated', 'all.json'));
    expect([...all.histograms.keys()]).toEqual(combined);
    for (const name of combined) {
      const single = await readDocument(ref('uhi-generated', manifest!.cases[name]!.files.json.path));
      // The per-case files and all.json carry the same writer_info, so the whole histogram is compared.
      expect(dump(all.histograms.get(name)), name).toStrictEqual(dump(single.histograms.get(name)));
    }
  });
});
