#!/usr/bin/env node
// Run by each package's `build` after tsup, in the package's folder.
//
// tsup writes every declaration twice, `dist/x.d.ts` (what `import` resolves)
// and `dist/x.d.cts` (what `require` resolves), with the same content. To
// TypeScript those are two modules: a program with both module kinds (a
// `.cts` file beside `.mts` ones, `import x = require()` under `module:
// preserve`) saw two unrelated `AwsClientFactory` classes (its `#private`
// member makes one not assignable to the other) and two `ServiceRegistry`
// interfaces, so a `register` entry imported from a CommonJS file did not
// type `getClient('s3')` in an ES module, though at run time both share one
// registry and one factory. So each `dist/x.d.ts` becomes a re-export of its
// `.d.cts` twin (an ES module may import a CommonJS one; not the reverse):
// one declaration per entry, whichever way it is resolved, and a service's
// `ServiceRegistry` augmentation lands on the one interface. A `.d.ts` that
// no `exports` condition names (`registry.d.ts`, which only the other
// `.d.ts` files imported) is then imported by nothing, and is removed.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = 'dist';
const { exports = {}, types } = JSON.parse(readFileSync('package.json', 'utf8'));
/** Every declaration file package.json names (`exports` at any depth, `types`), as `dist/x.d.ts`. */
const named = new Set();
const collect = (value) => {
  if (typeof value === 'string') named.add(value.replace(/^\.\//, ''));
  else if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) collect(inner);
};
collect(exports);
collect(types);
let written = 0;
let removed = 0;
for (const file of readdirSync(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const base = file.slice(0, -'.d.ts'.length);
  if (!existsSync(join(dist, `${base}.d.cts`))) continue;
  if (!named.has(`${dist}/${file}`)) {
    rmSync(join(dist, file));
    removed++;
    continue;
  }
  const reexport = `// The declarations are in ${base}.d.cts: one copy for ES modules and CommonJS.\nexport * from './${base}.cjs';\n`;
  if (readFileSync(join(dist, file), 'utf8') === reexport) continue;
  writeFileSync(join(dist, file), reexport);
  written++;
}
console.log(`✓ ${dist}/*.d.ts: ${written} re-export their .d.cts twin, ${removed} imported by nothing removed`);
