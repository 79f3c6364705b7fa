import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from './helpers/reference.js';

describe('README', () => {
  it('CLI section matches the built CLI --help', () => {
    const out = execFileSync(process.execPath, [join(PROJECT_DIR, 'scripts/readme-cli.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
