#!/usr/bin/env node
// Lists a finished build and writes its fixture JSON.
//
//   node write-fixture.mjs <build> <projectDir> --seed S --out FILE --listing FILE
//
// "hashed" comes from the bundler's own metadata, never from a regex on names:
//   vite*     fixture-meta.json written by templates/shared/vite-fixture-meta.js:
//             chunks are named by entryFileNames/chunkFileNames, assets emitted
//             with a name by assetFileNames; hashed iff that template has [hash].
//             Assets emitted with an explicit fileName (index.html, manifest)
//             and public/ copies (not in the bundle at all) are not hashed.
//   esbuild   meta.json (--metafile) outputs: every output is named by
//             --entry-names=[name]-[hash] or the defaults chunk-[hash] /
//             [name]-[hash] (checked below); .map outputs are named after
//             their hashed file. Not in the metafile (index.html, public/) =
//             not hashed.
//   webpack5, cra  webpack stats JSON: assets[].info.immutable; a related
//             asset (assets[].related: .map, .LICENSE.txt) whose name is its
//             immutable parent's name + a suffix is named after a hashed file
//             and counts as hashed. Assets written by a loader's emitFile that
//             stats does not mark immutable (CRA's file-loader SVGs) are hashed
//             iff the loader's `name` option, looked up in the project's own
//             webpack config via the ruleSet path in the module identifier,
//             contains [hash]/[contenthash].
//   angular   --stats-json (the application builder's esbuild metafile)
//             outputs, with outputHashing "all" checked in angular.json: the
//             builder then names entries [name]-[hash], chunks chunk-[hash]
//             and loader/url() files media/[name]-[hash]. Metafile outputs
//             that are not on disk (component CSS inlined into JS) are
//             skipped; not in the metafile (index.html, public/) = not hashed.
// The listing file (sidecar, not committed) adds sha256 per file for crosscheck.mjs.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const [build, proj] = args;
const opt = (n) => {
  const i = args.indexOf(`--${n}`);
  return i < 0 ? undefined : args[i + 1];
};
const seed = opt('seed');
const out = opt('out');
const listingOut = opt('listing');
// read node_modules/<pkg>/package.json directly (some packages do not export it)
const ver = (pkg) => JSON.parse(fs.readFileSync(path.join(proj, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const readJson = (f) => JSON.parse(fs.readFileSync(path.join(proj, f), 'utf8'));

// JSON.stringify(v, null, 2), except that an object or array holding no
// other object/array and fitting in 100 columns stays on one line, e.g.
// {"path": "assets/x-AbCd1234.js", "hashed": true}. Keeps fixtures small.
function pretty(v, indent = '') {
  const flat = (x) => (Array.isArray(x) ? `[${x.map(flat).join(', ')}]`
    : x && typeof x === 'object' ? `{${Object.entries(x).map(([k, y]) => `${JSON.stringify(k)}: ${flat(y)}`).join(', ')}}`
      : JSON.stringify(x));
  if (!v || typeof v !== 'object') return JSON.stringify(v);
  const vals = Array.isArray(v) ? v : Object.values(v);
  if (!vals.some((x) => x && typeof x === 'object')) {
    const one = flat(v);
    if (indent.length + one.length <= 100) return one;
  }
  const inner = indent + '  ';
  const items = Array.isArray(v)
    ? v.map((x) => inner + pretty(x, inner))
    : Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`);
  if (!items.length) return Array.isArray(v) ? '[]' : '{}';
  return Array.isArray(v) ? `[\n${items.join(',\n')}\n${indent}]` : `{\n${items.join(',\n')}\n${indent}}`;
}

function walk(root) {
  const files = [];
  const rec = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) rec(f);
      else files.push(path.relative(root, f).split(path.sep).join('/'));
    }
  };
  rec(root);
  return files.sort();
}

// files copied verbatim from public/ (for the sanity check only)
const publicFiles = new Set(fs.existsSync(path.join(proj, 'public')) ? walk(path.join(proj, 'public')) : []);

let bundler, outputRoot, manifest;
const hashed = new Set();
const emitted = new Set(); // everything the bundler reports having emitted
const loaderTemplated = []; // webpack: hashed by a loader's name template, not info.immutable

if (build.startsWith('vite')) {
  const meta = readJson('fixture-meta.json');
  outputRoot = 'dist';
  bundler = meta.rolldownVersion
    ? `vite ${ver('vite')} (rolldown ${meta.rolldownVersion}), @vitejs/plugin-react ${ver('@vitejs/plugin-react')}`
    : `vite ${ver('vite')} (rollup ${meta.rollupVersion}), @vitejs/plugin-react ${ver('@vitejs/plugin-react')}`;
  const t = meta.templates;
  for (const k of Object.keys(t)) if (String(t[k]).startsWith('function:')) throw new Error(`template ${k} is a function`);
  for (const f of meta.files) {
    emitted.add(f.fileName);
    let template = null;
    if (f.type === 'chunk') template = f.isEntry ? t.entryFileNames : t.chunkFileNames;
    else if ((f.names && f.names.length) || f.name) template = t.assetFileNames;
    if (template && template.includes('[hash]')) hashed.add(f.fileName);
  }
  if (build === 'vite8-manifest') {
    manifest = { path: '.vite/manifest.json', content: JSON.parse(fs.readFileSync(path.join(proj, 'dist/.vite/manifest.json'), 'utf8')) };
  }
} else if (build === 'esbuild') {
  const meta = readJson('meta.json');
  outputRoot = 'dist';
  bundler = `esbuild ${ver('esbuild')}`;
  const script = readJson('package.json').scripts.build;
  const flag = (n, def) => (script.match(new RegExp(`--${n}=(\\S+)`)) || [])[1] ?? def;
  const tpl = { entry: flag('entry-names', '[dir]/[name]'), chunk: flag('chunk-names', 'chunk-[hash]'), asset: flag('asset-names', '[name]-[hash]') };
  for (const [k, v] of Object.entries(tpl)) if (!v.includes('[hash]')) throw new Error(`esbuild ${k} names template ${v} has no [hash]`);
  for (const o of Object.keys(meta.outputs)) {
    const rel = path.relative('dist', o).split(path.sep).join('/');
    emitted.add(rel);
    hashed.add(rel);
  }
} else if (build === 'webpack5' || build === 'cra') {
  const stats = readJson('stats.json');
  outputRoot = build === 'cra' ? 'build' : 'dist';
  bundler = build === 'cra'
    ? `react-scripts ${ver('react-scripts')} (webpack ${ver('webpack')})`
    : `webpack ${ver('webpack')}, webpack-cli ${ver('webpack-cli')}, mini-css-extract-plugin ${ver('mini-css-extract-plugin')}, html-webpack-plugin ${ver('html-webpack-plugin')}, copy-webpack-plugin ${ver('copy-webpack-plugin')}`;
  // Related assets (source maps, extracted LICENSE.txt) hang under their
  // parent in stats (assets[].related). One whose name is the parent's name
  // plus a suffix is named after a hashed file when the parent is immutable.
  const visit = (a, parent) => {
    emitted.add(a.name);
    if (a.info && a.info.immutable) hashed.add(a.name);
    else if (parent && hashed.has(parent.name) && a.name.startsWith(parent.name + '.')) hashed.add(a.name);
    for (const r of a.related || []) visit(r, a);
  };
  for (const a of stats.assets) visit(a, null);
  // Assets a loader wrote with this.emitFile (CRA's file-loader for SVGs
  // imported from JS) lose info.immutable when webpack concatenates the
  // importing modules. For those, read the template from the config: the
  // emitting module's identifier names the loader as
  // "<loader>??ruleSet[1].rules[i].oneOf[j].use[k]"; resolve that path in the
  // project's own webpack config and require [hash]/[contenthash] in the
  // loader's `name` option.
  const missing = stats.assets.map((a) => a.name).filter((n) => !hashed.has(n) && !publicFiles.has(n));
  if (missing.length) {
    const require = createRequire(path.join(path.resolve(proj), 'package.json'));
    process.env.NODE_ENV = process.env.BABEL_ENV = 'production';
    const cfg = build === 'cra'
      ? require(path.resolve(proj, 'node_modules/react-scripts/config/webpack.config.js'))('production')
      : require(path.resolve(proj, 'webpack.config.js'));
    const mods = [];
    const rec = (m) => { mods.push(m); (m.modules || []).forEach(rec); };
    (stats.modules || []).forEach(rec);
    for (const n of missing) {
      for (const m of mods) {
        if (!(m.assets || []).includes(n)) continue;
        const lm = (m.identifier || '').match(/([^!]*file-loader[^!?]*)\?\?ruleSet\[1\]((?:\.\w+\[\d+\])+)!/);
        if (!lm) continue;
        let node = { rules: cfg.module.rules };
        for (const [, key, idx] of lm[2].matchAll(/\.(\w+)\[(\d+)\]/g)) node = node[key][Number(idx)];
        const name = node && node.options && node.options.name;
        if (typeof name === 'string' && /\[(hash|contenthash)(:\d+)?\]/.test(name)) {
          hashed.add(n);
          loaderTemplated.push(`${n} (file-loader name ${name})`);
          break;
        }
      }
    }
  }
  if (build === 'cra') manifest = { path: 'asset-manifest.json', content: JSON.parse(fs.readFileSync(path.join(proj, 'build/asset-manifest.json'), 'utf8')) };
} else if (build === 'angular') {
  const stats = readJson('dist/site/stats.json');
  outputRoot = 'dist/site/browser';
  bundler = `@angular/build ${ver('@angular/build')} (application builder, esbuild ${ver('esbuild')}), @angular/cli ${ver('@angular/cli')}, @angular/core ${ver('@angular/core')}`;
  const aj = readJson('angular.json');
  const hashing = aj.projects.site.architect.build.configurations.production.outputHashing;
  if (hashing !== 'all') throw new Error(`outputHashing is ${hashing}`);
  // The metafile also lists component stylesheets that the builder inlines
  // into the JS and never writes; keep only outputs that exist on disk.
  for (const o of Object.keys(stats.outputs)) {
    const rel = o.replace(/^browser\//, '');
    if (!fs.existsSync(path.join(proj, 'dist/site/browser', rel))) continue;
    emitted.add(rel);
    hashed.add(rel);
  }
} else {
  throw new Error(`unknown build ${build}`);
}

const root = path.join(proj, outputRoot);
const files = walk(root);
const onDisk = new Set(files);
// sanity: every file on disk is either reported by the bundler or a public/ copy
const unexplained = files.filter((f) => !emitted.has(f) && !publicFiles.has(f) && f !== 'index.html' && f !== '3rdpartylicenses.txt');
for (const f of hashed) if (!onDisk.has(f)) throw new Error(`bundler metadata names ${f}, not on disk`);
for (const f of files) if (hashed.has(f) && publicFiles.has(f)) throw new Error(`${f} is both a public copy and hashed`);

const fixture = {
  bundler,
  generatedBy: `scripts/bundler-fixtures/build.sh ${build}`,
  outputRoot,
  files: files.map((p) => ({ path: p, hashed: hashed.has(p) })),
};
if (manifest) fixture.manifest = manifest;
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, pretty(fixture) + '\n');
if (listingOut) {
  fs.writeFileSync(listingOut, JSON.stringify({
    build, seed, files: files.map((p) => ({
      path: p, hashed: hashed.has(p),
      sha256: crypto.createHash('sha256').update(fs.readFileSync(path.join(root, p))).digest('hex'),
    })),
  }, null, 1));
}
const nh = fixture.files.filter((f) => f.hashed).length;
console.log(`write-fixture: ${build} seed=${seed}: ${files.length} files, ${nh} hashed -> ${out}`);
if (loaderTemplated.length) console.log(`  hashed by loader template (no info.immutable in stats): ${loaderTemplated.length}: ${loaderTemplated.join(', ')}`);
if (unexplained.length) console.log(`  not in bundler metadata and not from public/: ${unexplained.join(', ')}`);
