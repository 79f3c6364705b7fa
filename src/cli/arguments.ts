/**
 * Parsers of option values shared by commands: a bad value is commander's InvalidArgumentError,
 * which the CLI reports as a usage error (exit 2) with the option's name.
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** A finite number ≥ 0 (tolerances, sigmas). */
export function nonNegativeNumber(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got ${JSON.stringify(v)}`);
  return x;
}
