/**
 * Plots: the terminal renderer (exact strings), the SVG renderer (parsed as XML by Python's
 * ElementTree), and `inspect --plot` / `inspect --svg` run as a process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHistSerialError } from '../src/errors.js';
import { readDocument } from '../src/io/files.js';
import { MESSAGES } from '../src/messages.js';
import type { Axis } from '../src/model/axis.js';
import type { Histogram } from '../src/model/histogram.js';
import type { Metadata } from '../src/model/metadata.js';
import type { Storage, StorageType } from '../src/model/storage.js';
import { plotSvg } from '../src/plot/svg.js';
import { plotTerminal } from '../src/plot/terminal.js';
import { formatTicks, niceTicks } from '../src/plot/ticks.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('hist-serial-plot-');
const FIXTURES = join(PROJECT_DIR, 'fixtures');
const FIXTURE_FILES = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'manifest.json');

// --- building histograms ----------------------------------------------------------------------

function regular(bins: number, lower: number, upper: number, flow = true, metadata?: Metadata): Axis {
  return { type: 'regular', lower, upper, bins, underflow: flow, overflow: flow, circular: false, ...(metadata ? { metadata } : {}) };
}

function storage(type: StorageType, arrays: Record<string, number[]>): Storage {
  const out: Storage['arrays'] = {};
  for (const [k, v] of Object.entries(arrays)) out[k as keyof Storage['arrays']] = { dtype: 'f8', shape: [v.length], data: Float64Array.from(v) };
  return { type, layout: 'dense', arrays: out };
}

/** x [cm], 4 bins on [0, 1) with flow: underflow 3, bins 1 4 8 2, overflow 0 (int storage). */
const tiny1d: Histogram = {
  axes: [regular(4, 0, 1, true, { name: 'x', label: 'x [cm]' })],
  storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [6], data: BigInt64Array.from([3n, 1n, 4n, 8n, 2n, 0n]) } } },
  metadata: { name: 'h' },
};

/** 3 x bins (no flow) by categories a, b: values 0 1 / 2 3 / 4 8. */
const tiny2d: Histogram = {
  axes: [regular(3, 0, 3, false, { name: 'x' }), { type: 'category_str', categories: ['a', 'b'], flow: false, metadata: { name: 'y' } }],
  storage: storage('double', { values: [0, 1, 2, 3, 4, 8] }),
};

const cube: Histogram = { axes: [regular(1, 0, 1), regular(1, 0, 1), regular(1, 0, 1)], storage: storage('double', { values: new Array<number>(27).fill(1) }) };

function maxLineLength(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

// --- SVG checks through Python's XML parser ----------------------------------------------------

interface SvgSummary {
  root: string;
  ns: string;
  attrs: Record<string, string>;
  tags: Record<string, number>;
  classes: Record<string, number>;
  texts: Record<string, string[]>;
  title: string;
}

const SUMMARIZE = `
import json, sys, xml.etree.ElementTree as ET
out = []
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    local = lambda t: t.split('}', 1)[1] if '}' in t else t
    tags, classes, texts = {}, {}, {}
    for el in root.iter():
        t = local(el.tag)
        tags[t] = tags.get(t, 0) + 1
        c = el.get('class')
        if c:
            classes[c] = classes.get(c, 0) + 1
        if t == 'text':
            texts.setdefault(c or '', []).append(''.join(el.itertext()))
    title = root.find('{http://www.w3.org/2000/svg}title')
    out.append({'root': local(root.tag), 'ns': root.tag[1:].split('}')[0] if root.tag.startswith('{') else '',
                'attrs': dict(root.attrib), 'tags': tags, 'classes': classes, 'texts': texts,
                'title': title.text if title is not None else None})
print(json.dumps(out))
`;

const python = requirePython(['xml.etree.ElementTree', 'json']);
const withPython = python ? it : it.skip;

/** Parse SVG files with Python's strict XML parser and summarise them (throws when one is not well-formed). */
function parseSvgFiles(files: string[]): SvgSummary[] {
  const r = spawnSync(python!, ['-c', SUMMARIZE, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr}`);
  return JSON.parse(r.stdout) as SvgSummary[];
}

let svgCount = 0;
function parseSvg(svg: string): SvgSummary {
  const file = join(dir, `plot-${svgCount++}.svg`);
  writeFileSync(file, svg);
  return parseSvgFiles([file])[0]!;
}

// --- tests ---------------------------------------------------------------------------------------

describe('ticks', () => {
  it('uses 1-2-5 steps and prints as many decimals as the step needs', () => {
    expect(niceTicks(0, 371, 5)).toEqual({ step: 100, values: [0, 100, 200, 300] });
    expect(niceTicks(0, 1, 8)).toEqual({ step: 0.2, values: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceTicks(-2.5, 2.5, 5).values).toEqual([-2, -1, 0, 1, 2]);
    expect(niceTicks(20, 200, 4)).toEqual({ step: 50, values: [50, 100, 150, 200] });
    expect(niceTicks(0, 6.283185307179586, 8).values).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(formatTicks([0, 0.2, 0.4, 1], 0.2)).toEqual(['0', '0.2', '0.4', '1.0']);
    expect(formatTicks([0, 2_500_000, 10_000_000], 2_500_000)).toEqual(['0', '2.5e6', '1e7']);
    expect(formatTicks([0.0005, 0.001, 0.0015], 0.0005)).toEqual(['0.0005', '0.0010', '0.0015']);
    expect(formatTicks([0.0002, 0.0004], 0.0002)).toEqual(['2e-4', '4e-4']);
    expect(formatTicks([50, 100, 150], 50)).toEqual(['50', '100', '150']);
    expect(formatTicks([0, 0.25, 0.5], 0.25)).toEqual(['0', '0.25', '0.50']);
  });
});

describe('plotTerminal', () => {
  it('draws a 1D histogram as horizontal bars with bin labels, the value range and the flow bins', () => {
    expect(plotTerminal(tiny1d, { width: 40 })).toBe(
      [
        'h',
        'x [cm]         entries (1 to 8)',
        '[   0, 0.25) │███ 1',
        '[0.25,  0.5) │████████████ 4',
        '[ 0.5, 0.75) │████████████████████████ 8',
        '[0.75,    1) │██████ 2',
        'underflow: 3, overflow: 0',
      ].join('\n'),
    );
  });

  it('draws vertical bars in eighths with edge ticks and the axis label', () => {
    expect(plotTerminal(tiny1d, { width: 30, height: 4, orientation: 'vertical', title: '' })).toBe(
      [
        'entries (1 to 8)',
        '8 ┤            ██████',
        '  │            ██████',
        '  │      ████████████',
        '  │▄▄▄▄▄▄██████████████████',
        '0 └─────┬─────┬─────┬─────┬',
        '  0    0.25  0.5   0.75   1',
        '            x [cm]',
        'underflow: 3, overflow: 0',
      ].join('\n'),
    );
  });

  it('draws a 2D histogram as a heat map with a legend of the value range', () => {
    expect(plotTerminal(tiny2d, { width: 40 })).toBe(
      [
        'y',
        '  │░░░░░░▒▒▒▒▒▒██████',
        'b │░░░░░░▒▒▒▒▒▒██████',
        '  │░░░░░░▒▒▒▒▒▒██████',
        '  │      ░░░░░░▒▒▒▒▒▒',
        'a │      ░░░░░░▒▒▒▒▒▒',
        '  │      ░░░░░░▒▒▒▒▒▒',
        '  └─────┬─────┬─────┬',
        '  0     1     2     3',
        '           x',
        'content:  ░ ≤ 2  ▒ ≤ 4  ▓ ≤ 6  █ ≤ 8',
        '  blank 0',
      ].join('\n'),
    );
  });

  it('shows NaN bins as text, negative values left of zero, and the flow bins on their own line', () => {
    const h: Histogram = { axes: [regular(3, 0, 3)], storage: storage('double', { values: [0.5, 2, Number.NaN, -1, 7] }) };
    expect(plotTerminal(h, { width: 40 })).toBe(
      [
        'axis 0   content (-1 to 2)',
        '[0, 1) │         ███████████████████ 2',
        '[1, 2) │          NaN',
        '[2, 3) │█████████ -1',
        'underflow: 0.5, overflow: 7',
      ].join('\n'),
    );
    const vertical = plotTerminal(h, { width: 30, orientation: 'vertical', height: 3 });
    expect(vertical).toContain('?');
    expect(vertical).toContain('? marks NaN bins');
  });

  it('labels categories, neutralises control characters from the file, and shows the category flow bin', () => {
    const h: Histogram = {
      axes: [{ type: 'category_str', categories: ['ee', 'mumu', 'e\u001b[31mmu'], flow: true, metadata: { name: 'channel' } }],
      storage: storage('double', { values: [5, 2.5, 1, 9] }),
    };
    const out = plotTerminal(h, { width: 40 });
    expect(out).toBe(
      [
        'channel    content (1 to 5)',
        '      ee │██████████████████████████ 5',
        '    mumu │█████████████ 2.5',
        'e\ufffd[31mmu │█████▎ 1',
        'overflow: 9',
      ].join('\n'),
    );
    expect(out).not.toContain('\u001b');
  });

  it('plots the means of mean storages and leaves bins without entries empty', () => {
    const h: Histogram = {
      axes: [{ type: 'boolean', metadata: { name: 'passed' } }],
      storage: storage('mean', { counts: [0, 4], values: [0, 2.5], variances: [0, 1] }),
    };
    expect(plotTerminal(h, { width: 40 })).toBe(['passed   mean (2.5 to 2.5)', 'false │ empty', ' true │███████████████████████████ 2.5'].join('\n'));
  });

  it('refuses 3-d and 0-d histograms and metadata-only ones with one line', () => {
    expect(plotTerminal(cube)).toBe('cannot plot 3-d histograms; project first');
    expect(plotTerminal(cube)).toBe(MESSAGES.plotDimensions(3));
    expect(plotTerminal({ axes: [], storage: storage('double', { values: [1] }) })).toBe(MESSAGES.plotNoAxes());
    expect(plotTerminal({ axes: [regular(2, 0, 1)], storage: { type: 'int', layout: 'empty', arrays: {} } })).toBe(MESSAGES.plotNoData());
  });

  it('densifies sparse storage: the sparse fixture plots like its dense copy', async () => {
    const doc = await readDocument(join(FIXTURES, '2d.regular-regular.int.sparse.json'));
    const h = doc.histograms.get('hits')!;
    expect(h.storage.layout).toBe('sparse');
    const { toDense } = await import('../src/model/storage.js');
    const { denseShape } = await import('../src/model/histogram.js');
    const dense: Histogram = { ...h, storage: toDense(h.storage, denseShape(h)) };
    const out = plotTerminal(h, { width: 70 });
    expect(out).toBe(plotTerminal(dense, { width: 70 }));
    expect(out.match(/█/g)?.length).toBeGreaterThan(0);
    expect(out).toContain('axis 0 underflow: 1, overflow: 0');
  });

  it('never writes a line longer than the width, for every fixture and orientation', async () => {
    for (const file of FIXTURE_FILES) {
      const doc = await readDocument(join(FIXTURES, file));
      for (const h of doc.histograms.values()) {
        for (const width of [20, 33, 47, 80, 131]) {
          for (const orientation of ['auto', 'horizontal', 'vertical'] as const) {
            const out = plotTerminal(h, { width, orientation });
            expect(maxLineLength(out), `${file} width ${width} ${orientation}\n${out}`).toBeLessThanOrEqual(width);
          }
        }
      }
    }
  });

  it('merges bins into columns when there are more bins than columns', () => {
    const values = Array.from({ length: 502 }, (_, i) => (i === 0 || i === 501 ? 0 : 1 + (i % 7)));
    const h: Histogram = { axes: [regular(500, 0, 50)], storage: storage('double', { values }) };
    const out = plotTerminal(h, { width: 60 });
    expect(maxLineLength(out)).toBeLessThanOrEqual(60);
    expect(out).toMatch(/^\d+ bins per column$/m);
    expect(out.split('\n').length).toBeLessThan(20);
  });
});

describe('plotSvg', () => {
  const weighted1d: Histogram = {
    axes: [regular(4, 0, 1, true, { name: 'x', label: 'p_{T} [GeV]' })],
    storage: storage('weighted', { values: [1, 10, 40, 20, 0, 2], variances: [1, 10, 40, 20, 0, 2] }),
    metadata: { name: 'w', label: 'A <b>&"\'</b> title' },
  };

  withPython('is a standalone SVG document with size, viewBox and namespace', () => {
    const s = parseSvg(plotSvg(weighted1d));
    expect(s.root).toBe('svg');
    expect(s.ns).toBe('http://www.w3.org/2000/svg');
    expect(s.attrs).toMatchObject({ width: '640', height: '420', viewBox: '0 0 640 420' });
    expect(plotSvg(weighted1d, { width: 500, height: 300 })).toContain('width="500" height="300" viewBox="0 0 500 300"');
  });

  withPython('1D weighted: one filled step path, an error bar per bin with variance, nice ticks, escaped title', () => {
    const svg = plotSvg(weighted1d);
    const s = parseSvg(svg);
    expect(s.classes.fill).toBe(1);
    expect(s.classes.step).toBe(1);
    expect(s.classes.err).toBe(3); // the last bin has variance 0
    expect(s.texts['tick-label']!.slice(0, 6)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    const yTicks = s.texts['tick-label']!.slice(6).map(Number);
    expect(yTicks[0]).toBe(0);
    const step = yTicks[1]! - yTicks[0]!;
    expect([1, 2, 5, 10, 20, 50]).toContain(step);
    expect(s.texts.title).toEqual([`A <b>&"'</b> title`]);
    expect(s.title).toBe(`A <b>&"'</b> title`);
    expect(svg).toContain('A &lt;b&gt;&amp;&quot;&#39;&lt;/b&gt; title');
    expect(s.texts['axis-label']).toEqual(['pT [GeV]', 'content']);
    expect(svg).toContain('xml:space="preserve">p<tspan dy="3.9" font-size="9.75">T</tspan><tspan dy="-3.9"> [GeV]</tspan>');
    expect(s.texts.note).toEqual(['underflow 1, overflow 2']);
    expect(s.tags.script).toBeUndefined();
    expect(svg).not.toMatch(/href|@import|url\((?!#hist-serial-)/);
  });

  withPython('1D mean: a point per filled bin with the error on the mean', async () => {
    const doc = await readDocument(join(FIXTURES, '1d.regular.weighted_mean.json'));
    const s = parseSvg(plotSvg(doc.histograms.get('wprofile')!));
    expect(s.classes.point).toBe(3);
    expect(s.classes.xerr).toBe(3);
    expect(s.classes.err).toBe(3);
    expect(s.texts.note).toEqual(['underflow 4, overflow empty']);
    expect(s.texts['axis-label']).toEqual(['axis 0', 'weighted mean']);
  });

  withPython('1D categorical: a bar per category, labelled by category', async () => {
    const doc = await readDocument(join(FIXTURES, '1d.category_int.mean.json'));
    const mean = parseSvg(plotSvg(doc.histograms.get('pt_profile')!));
    expect(mean.classes.point).toBe(4);
    expect(mean.texts['tick-label']!.slice(0, 4)).toEqual(['11', '-11', '13', '-13']);
    const h: Histogram = { axes: [{ type: 'category_str', categories: ['ee', 'µµ & ττ'], flow: false }], storage: storage('double', { values: [3, 4] }) };
    const bars = parseSvg(plotSvg(h));
    expect(bars.classes.bar).toBe(2);
    expect(bars.texts['tick-label']!.slice(0, 2)).toEqual(['ee', 'µµ & ττ']);
  });

  withPython('2D: a coloured cell per non-zero bin, a colour bar, axis labels from metadata', async () => {
    const doc = await readDocument(join(FIXTURES, '2d.regular-variable.weighted.json'));
    const svg = plotSvg(doc.histograms.get('jets')!);
    const s = parseSvg(svg);
    expect(s.classes.cell).toBe(20);
    expect(s.tags.linearGradient).toBe(1);
    expect(s.texts['axis-label']).toEqual(['η', 'pT [GeV]', 'content']);
    expect(s.texts.title).toEqual(['jets']);
    expect(s.texts['tick-label']).toEqual(['-2', '-1', '0', '1', '2', '50', '100', '150', '200', '0', '50', '100', '150']);
    expect(s.texts.note).toEqual(['flow (not drawn): eta underflow 379.6, overflow 391', 'pt underflow 358.6, overflow 28.26']);
    // zero bins stay white; NaN bins are grey
    const sparse = parseSvg(plotSvg(tiny2d));
    expect(sparse.classes.cell).toBe(5);
    const withNaN: Histogram = { ...tiny2d, storage: storage('double', { values: [0, 1, Number.NaN, 3, 4, 8] }) };
    const n = parseSvg(plotSvg(withNaN));
    expect([n.classes.cell, n.classes.nan]).toEqual([4, 1]);
    expect(n.texts.note).toEqual(['grey: NaN']);
  });

  withPython('2D mean: cells without entries stay white and are named in the note', () => {
    const h: Histogram = {
      axes: [{ type: 'category_int', categories: Float64Array.from([1, 2]), flow: false }, { type: 'boolean' }],
      storage: storage('mean', { counts: [0, 2, 3, 4], values: [0, 1.5, 2.5, 3.5], variances: [0, 1, 1, 1] }),
    };
    const s = parseSvg(plotSvg(h));
    expect(s.classes.cell).toBe(3);
    expect(s.texts.note).toEqual(['white: no entries']);
    expect(s.texts['tick-label']!.slice(0, 4)).toEqual(['1', '2', 'false', 'true']);
  });

  it('docs/inspect-2d.svg is what the renderer draws today (regenerate with the README command)', async () => {
    const doc = await readDocument(join(FIXTURES, '2d.regular-variable.weighted.json'));
    const committed = readFileSync(join(PROJECT_DIR, 'docs/inspect-2d.svg'), 'utf8');
    expect(committed, 'run: hist-serial inspect fixtures/2d.regular-variable.weighted.json --svg docs/inspect-2d.svg (and rsvg-convert for the PNG)').toBe(
      plotSvg(doc.histograms.get('jets')!, { title: 'jets' }),
    );
  });

  it('is deterministic and refuses what it cannot plot with UNSUPPORTED_OPERATION', () => {
    expect(plotSvg(tiny2d)).toBe(plotSvg(tiny2d));
    let err: unknown;
    try {
      plotSvg(cube);
    } catch (e) {
      err = e;
    }
    expect(isHistSerialError(err, 'UNSUPPORTED_OPERATION')).toBe(true);
    expect((err as Error).message).toBe('cannot plot 3-d histograms; project first');
  });

  withPython('removes characters XML cannot hold', () => {
    const h: Histogram = { ...tiny1d, metadata: { label: 'bad \u0001\u0008 chars \ud800 here' } };
    const s = parseSvg(plotSvg(h));
    expect(s.title).toBe('bad \ufffd\ufffd chars \ufffd here');
  });
});

describe('inspect --plot and --svg (process)', () => {
  const multi = join(dir, 'multi.json');

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`built CLI missing at ${CLI}: run npm run build (npm test does)`);
    const axis = { type: 'regular', lower: 0, upper: 1, bins: 2, underflow: false, overflow: false, circular: false };
    writeFileSync(
      multi,
      JSON.stringify({
        'dir/one': { uhi_schema: 1, axes: [axis], storage: { type: 'double', values: [1, 2] } },
        two: { uhi_schema: 1, axes: [axis, axis], storage: { type: 'double', values: [[1, 2], [3, 4]] } },
        cube: { uhi_schema: 1, axes: [axis, axis, axis], storage: { type: 'double', values: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] } },
      }),
    );
  });

  it('--plot prints a plot after each table, fitting --width', () => {
    for (const file of FIXTURE_FILES) {
      const r = runBuiltCli(['inspect', join('fixtures', file), '--plot', '--width', '60']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const plot = r.stdout.split('\n\n').slice(1).join('\n\n');
      expect(plot).toMatch(/[▏▎▍▌▋▊▉█░▒▓]/);
      expect(maxLineLength(plot)).toBeLessThanOrEqual(60);
    }
    const mass = runBuiltCli(['inspect', 'fixtures/1d.regular.int.json', '--plot', '--width', '60']);
    expect(mass.stdout).toContain('Dimuon mass\nm_{μμ} [GeV]   entries (49 to 371)\n[100, 102) │');
    expect(mass.stdout).toContain('\nunderflow: 0, overflow: 775\n');
  });

  it('--plot notes 3-d histograms in one line and exits 0; --plot with --json and a bad --width are usage errors', () => {
    const r = runBuiltCli(['inspect', multi, '--plot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n\ncannot plot 3-d histograms; project first\n');
    expect(runBuiltCli(['inspect', multi, '--plot', '--json']).code).toBe(2);
    const w = runBuiltCli(['inspect', multi, '--plot', '--width', '5']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('expected an integer of at least 20');
  });

  withPython('--svg FILE writes a valid SVG of the first histogram', () => {
    const out = join(dir, 'jets.svg');
    const r = runBuiltCli(['inspect', 'fixtures/2d.regular-variable.weighted.json', '--svg', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`wrote ${out} ("jets")\n`);
    expect(r.stdout).toContain('jets: weighted storage (dense)');
    const [s] = parseSvgFiles([out]);
    expect(s!.classes.cell).toBe(20);
    const one = join(dir, 'first.svg');
    const m = runBuiltCli(['inspect', multi, '--svg', one]);
    expect(m.code).toBe(0);
    expect(m.stderr).toContain(MESSAGES.svgFirstOnly(one, 'dir/one', 2));
    expect(parseSvgFiles([one])[0]!.title).toBe('dir/one');
  });

  withPython('--svg DIR/ writes one file per plottable histogram and skips the others with a note', () => {
    const out = join(dir, 'plots') + '/';
    const r = runBuiltCli(['inspect', multi, '--svg', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['dir_one.svg', 'two.svg']);
    expect(r.stderr).toContain(MESSAGES.svgSkipped('cube', MESSAGES.plotDimensions(3)));
    const [one, two] = parseSvgFiles([join(out, 'dir_one.svg'), join(out, 'two.svg')]);
    expect(one!.classes.step).toBe(1);
    expect(two!.classes.cell).toBe(4);
    // an existing folder without the slash works the same
    mkdirSync(join(dir, 'existing'));
    expect(runBuiltCli(['inspect', multi, '--svg', join(dir, 'existing'), '--select', 'two']).code).toBe(0);
    expect(readFileSync(join(dir, 'existing', 'two.svg'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
  });

  it('--svg FILE refuses a 3-d histogram (exit 1) and reports unwritable targets (exit 2)', () => {
    const r = runBuiltCli(['inspect', multi, '--select', 'cube', '--svg', join(dir, 'cube.svg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Histogram "cube": cannot plot 3-d histograms; project first');
    expect(existsSync(join(dir, 'cube.svg'))).toBe(false);
    const w = runBuiltCli(['inspect', multi, '--select', 'two', '--svg', join(dir, 'no-such-dir', 'x.svg')]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('Cannot write');
  });
});
