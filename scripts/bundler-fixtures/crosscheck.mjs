#!/usr/bin/env node
// Cross-checks the "hashed" truth of two builds of the same project made from
// different seeds (same source names, different contents):
//   node crosscheck.mjs <a.listing.json> <b.listing.json>
// Fails if
//   - a path present in both builds is marked hashed but its content differs
//     (its name did not follow its content), or
//   - a path marked NOT hashed exists in only one of the builds (its name
//     depends on content, so the metadata missed a hash).
// Reports hashed names that are identical in both builds (allowed only with
// identical content, e.g. a vendor chunk that does not depend on the seed).
import fs from 'node:fs';

const [fa, fb] = process.argv.slice(2);
const A = JSON.parse(fs.readFileSync(fa, 'utf8'));
const B = JSON.parse(fs.readFileSync(fb, 'utf8'));
const mb = new Map(B.files.map((f) => [f.path, f]));
const ma = new Map(A.files.map((f) => [f.path, f]));
const errors = [];
const sameHashed = [];
let changed = 0;
for (const f of A.files) {
  const g = mb.get(f.path);
  if (!g) {
    if (f.hashed) changed++;
    else errors.push(`unhashed ${f.path} only in ${A.seed}`);
    continue;
  }
  if (f.hashed !== g.hashed) errors.push(`${f.path} hashed=${f.hashed} in ${A.seed}, ${g.hashed} in ${B.seed}`);
  if ((f.hashed || g.hashed) && f.sha256 !== g.sha256) errors.push(`hashed ${f.path} kept its name but content changed`);
  if (f.hashed && f.sha256 === g.sha256) sameHashed.push(f.path);
}
for (const g of B.files) if (!ma.has(g.path) && !g.hashed) errors.push(`unhashed ${g.path} only in ${B.seed}`);
console.log(`crosscheck ${A.build}: ${A.files.length} vs ${B.files.length} files; ` +
  `${changed} hashed names changed with content; ${sameHashed.length} hashed names identical with identical content` +
  (sameHashed.length ? ` (${sameHashed.join(', ')})` : ''));
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
console.log('crosscheck OK');
