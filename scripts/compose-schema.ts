/**
 * `npm run schema` writes each subgraph's SDL and the composed supergraph under schema/;
 * `npm run schema:check` fails when schema/ differs from what the code composes. Both fail when
 * composition reports an error or a hint not accepted in accepted-composition-hints.ts.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CompositionFailure } from './composition-hints.js';
import { composeSchemas } from './schema-composition.js';

const check = process.argv.includes('--check');
const dir = path.resolve('schema');

const files = await composeSchemas().catch((error: unknown) => {
  if (!(error instanceof CompositionFailure)) throw error;
  console.error(error.message);
  process.exit(1);
});
const stale: string[] = [];
mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  const file = path.join(dir, name);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current === content) continue;
  if (check) stale.push(name);
  else writeFileSync(file, content);
}
if (stale.length > 0) {
  console.error(`schema/ is out of date (${stale.join(', ')}): run npm run schema and commit the result`);
  process.exit(1);
}
console.log(check ? 'schema/ is up to date' : `wrote ${Object.keys(files).length} files to schema/`);
