import { spawnSync } from 'node:child_process';

/** Debian's Python, which CI provisions with python3-jsonschema, python3-numpy (and more as codecs land). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * The Python interpreter to use when it has `modules`; otherwise undefined after printing why
 * (and throwing in CI, where these independent checks must run).
 */
export function requirePython(modules: readonly string[]): string | undefined {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  if (r.status === 0) return DEBIAN_PYTHON;
  const reason = `${DEBIAN_PYTHON} with ${modules.join(', ')} is not available (${(r.stderr || String(r.error)).trim().split('\n').pop()}); install the Debian packages (see .ci/run)`;
  if (process.env.CI) throw new Error(`${reason}: in CI this check must run`);
  console.warn(`SKIPPING Python interop check: ${reason}`);
  return undefined;
}
