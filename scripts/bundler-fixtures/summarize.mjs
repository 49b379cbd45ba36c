#!/usr/bin/env node
// Prints the README table for the fixtures: files, hashed, observed hash
// length/alphabet/separator/directories, and how a naive per-family name
// regex would fare on the UNHASHED files (false positives).
//   node summarize.mjs test/testdata/bundlers/*.json
import fs from 'node:fs';
import path from 'node:path';

// How the hash sits in a basename (after stripping .map / .LICENSE.txt):
//   dash8: "<name>-<HASH>.<ext>", HASH the last 8 chars of the stem (Rollup /
//          Rolldown base64url may itself contain "-", so not split on "-").
//   dash:  "<name>-<HASH>.<ext>", HASH after the last "-" (base32, no "-").
//   dot:   "<name>.<HASH>[.chunk].<ext>" or "<HASH>.<ext>", HASH the last
//          all-hex dot segment of >= 8 chars.
const FAMILY = {
  vite: { how: 'dash8', naive: /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/ },
  esbuild: { how: 'dash', naive: /-[A-Z2-7]{8}\.[a-z0-9]+$/ },
  angular: { how: 'dash', naive: /-[A-Z2-7]{8}\.[a-z0-9]+$/ },
  webpack5: { how: 'dot', naive: /(^|\.)[0-9a-f]{20}\.[a-z0-9]+$/ },
  cra: { how: 'dot', naive: /\.[0-9a-f]{8,20}(\.chunk)?\.[a-z0-9]+$/ },
};
const family = (f) => (f.startsWith('vite') ? 'vite' : f);

for (const file of process.argv.slice(2)) {
  const name = path.basename(file, '.json');
  const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fam = FAMILY[family(name)];
  const lens = {}; const chars = new Set(); const dirs = {}; const seps = {};
  let noSep = 0;
  for (const f of fx.files.filter((x) => x.hashed)) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/') + 1) : '(root)';
    dirs[dir] = (dirs[dir] || 0) + 1;
    let base = f.path.split('/').pop().replace(/\.(map|LICENSE\.txt)$/, '');
    let stem = base.replace(/\.[^.]+$/, '');
    let hash, sep;
    if (fam.how === 'dash8') { hash = stem.slice(-8); sep = stem.slice(-9, -8); }
    else if (fam.how === 'dash') { hash = stem.slice(stem.lastIndexOf('-') + 1); sep = '-'; }
    else {
      const segs = stem.split('.');
      const k = segs.map((s, i) => (/^[0-9a-f]{8,}$/.test(s) ? i : -1)).filter((i) => i >= 0).pop();
      hash = segs[k]; sep = k === 0 ? '' : '.';
    }
    if (sep === '') noSep++;
    seps[sep || '(none)'] = (seps[sep || '(none)'] || 0) + 1;
    lens[hash.length] = (lens[hash.length] || 0) + 1;
    for (const c of hash) chars.add(c);
  }
  const unhashed = fx.files.filter((x) => !x.hashed);
  const fp = unhashed.filter((x) => fam.naive.test(x.path.split('/').pop().replace(/\.(map|LICENSE\.txt)$/, '')));
  const fn = fx.files.filter((x) => x.hashed && !fam.naive.test(x.path.split('/').pop().replace(/\.(map|LICENSE\.txt)$/, '')));
  const alpha = [...chars].sort().join('');
  console.log(`### ${name}\n`);
  console.log(`- bundler: ${fx.bundler}`);
  console.log(`- output root: \`${fx.outputRoot}\`; files: ${fx.files.length}; hashed: ${fx.files.length - unhashed.length}; not hashed: ${unhashed.length}`);
  console.log(`- hash length: ${Object.entries(lens).map(([l, n]) => `${l} chars (${n} files)`).join(', ')}`);
  console.log(`- characters seen in hashes: \`${alpha}\``);
  console.log(`- separator before the hash: ${Object.entries(seps).map(([s, n]) => `\`${s}\` ${n}`).join(', ')}${noSep ? ` (${noSep} names are just \`<hash><ext>\`)` : ''}`);
  console.log(`- directories of hashed files: ${Object.entries(dirs).map(([d, n]) => `\`${d}\` ${n}`).join(', ')}`);
  console.log(`- naive regex \`${fam.naive.source}\` on basenames: misses ${fn.length} hashed${fn.length ? ` (${fn.slice(0, 5).map((x) => x.path).join(', ')}${fn.length > 5 ? ', …' : ''})` : ''}, matches ${fp.length} unhashed${fp.length ? ` (${fp.map((x) => x.path).join(', ')})` : ''}`);
  if (fx.manifest) console.log(`- manifest: \`${fx.manifest.path}\``);
  console.log('');
}
