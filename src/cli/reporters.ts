/**
 * Report formats of `hist-serial validate`: text for people, JSON for scripts, GitHub Actions
 * annotations and JUnit XML for CI. Pure functions from per-file entries to text.
 * @module
 */

/** One issue as reported (the library's Issue without severity). */
export interface ReportedIssue {
  code: string;
  path: string;
  message: string;
}

/** The outcome of checking one file. */
export interface ValidateEntry {
  file: string;
  valid: boolean;
  /** The file could not be read at all (IO, usage): JUnit `<error>` rather than `<failure>`. */
  unreadable?: boolean;
  format?: string;
  /** What the file holds (`histograms`, `hs3`, `pyhf`, `fit-result`). */
  kind?: string;
  histograms?: number;
  errors: ReportedIssue[];
  warnings: ReportedIssue[];
  /** Time spent on the file, ms. */
  ms?: number;
}

/** Counts for the summary line. */
export interface ValidateSummary {
  files: number;
  valid: number;
  invalid: number;
  unreadable: number;
  errors: number;
  warnings: number;
  ms: number;
}

export function summarize(entries: readonly ValidateEntry[], ms: number): ValidateSummary {
  return {
    files: entries.length,
    valid: entries.filter((e) => e.valid).length,
    invalid: entries.filter((e) => !e.valid && !e.unreadable).length,
    unreadable: entries.filter((e) => e.unreadable).length,
    errors: entries.reduce((n, e) => n + e.errors.length, 0),
    warnings: entries.reduce((n, e) => n + e.warnings.length, 0),
    ms,
  };
}

/** The one summary line every format ends with (JSON carries it as an object). */
export function summaryLine(s: ValidateSummary): string {
  const parts = [`${s.files} file(s): ${s.valid} valid, ${s.invalid} invalid`];
  if (s.unreadable) parts.push(`${s.unreadable} unreadable`);
  parts.push(`${s.errors} error(s), ${s.warnings} warning(s) in ${(s.ms / 1000).toFixed(2)} s`);
  return parts.join(', ');
}

const where = (i: ReportedIssue) => (i.path ? ` at ${i.path}` : '');

/** Text: one line per file, then its issues. */
export function textEntry(e: ValidateEntry): string {
  const what = !e.valid ? (e.unreadable ? 'UNREADABLE' : 'INVALID') : e.kind && e.kind !== 'histograms' ? `valid (${e.kind})` : `valid (${e.format}, ${e.histograms} histogram(s))`;
  const lines = [`${e.valid ? 'ok  ' : 'FAIL'} ${e.file}: ${what}`];
  // messages name the place themselves; the JSON pointer is in the json, github and junit reports
  for (const i of e.errors) lines.push(`     error   [${i.code}] ${i.message}`);
  for (const i of e.warnings) lines.push(`     warning [${i.code}] ${i.message}`);
  return lines.join('\n') + '\n';
}

/** Escape the message part of a GitHub workflow command. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value of a GitHub workflow command. */
function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions annotations (`::error file=F,title=T::message`), one per issue, so each shows on the
 * file in the pull request. Valid files print nothing.
 */
export function githubEntry(e: ValidateEntry): string {
  const line = (kind: 'error' | 'warning', i: ReportedIssue) =>
    `::${kind} file=${ghProperty(e.file)},title=${ghProperty(`hist-serial ${i.code}${where(i)}`)}::${ghData(i.message)}\n`;
  return [...e.errors.map((i) => line('error', i)), ...e.warnings.map((i) => line('warning', i))].join('');
}

/** XML text: escaped, and without the control characters XML 1.0 forbids. */
export function xmlText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** JUnit XML (the Jenkins/GitLab/Azure dialect): a test case per file, a failure per invalid file, an error per unreadable one. */
export function junitReport(entries: readonly ValidateEntry[], s: ValidateSummary): string {
  const attrs = `tests="${s.files}" failures="${s.invalid}" errors="${s.unreadable}" skipped="0" time="${(s.ms / 1000).toFixed(3)}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="hist-serial validate" ${attrs}>`, `  <testsuite name="hist-serial validate" ${attrs}>`];
  for (const e of entries) {
    const time = ((e.ms ?? 0) / 1000).toFixed(3);
    out.push(`    <testcase classname="hist-serial.validate" name="${xmlText(e.file)}" time="${time}">`);
    if (!e.valid) {
      const first = e.errors[0];
      const tag = e.unreadable ? 'error' : 'failure';
      const body = e.errors.map((i) => `[${i.code}]${where(i)} ${i.message}`).join('\n');
      out.push(`      <${tag} type="${xmlText(first?.code ?? 'INVALID')}" message="${xmlText(first ? `[${first.code}]${where(first)} ${first.message}` : 'invalid')}">${xmlText(body)}</${tag}>`);
    }
    if (e.warnings.length) out.push(`      <system-out>${xmlText(e.warnings.map((i) => `warning [${i.code}]${where(i)} ${i.message}`).join('\n'))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
