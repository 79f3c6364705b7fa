/** Seeded random mutations of JSON trees, for robustness tests of the fit-model checks. */

/** A small seeded generator (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES = [null, 0, -1, 1.5, '', 'x', 'model_SR', [], {}, [1, 2], { name: 'x' }, true, Number.MAX_VALUE];

/** Replace one random node of a JSON tree by a random value, or delete it (in place). */
export function mutateJson(root: object, random: () => number): void {
  const nodes: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach((v, i) => (nodes.push([x, i]), walk(v)));
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) (nodes.push([x as Record<string, unknown>, k]), walk(v));
  };
  walk(root);
  if (nodes.length === 0) return;
  const [parent, key] = nodes[Math.floor(random() * nodes.length)]!;
  if (random() < 0.2 && !Array.isArray(parent)) delete parent[key as string];
  else (parent as Record<string, unknown>)[key as string] = structuredClone(VALUES[Math.floor(random() * VALUES.length)]);
}
