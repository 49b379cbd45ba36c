#!/usr/bin/env node
// Generates the source tree of the fixture app into <project>/src.
//
//   node gen-src.mjs <projectDir> --flavor react|angular [--seed a] [--modules 300]
//                    [--assets 45] [--entry main.js] [--chunk-names]
//
// File NAMES depend only on --modules/--assets (never on the seed); file
// CONTENTS depend on the seed. Two builds with different seeds therefore give
// the same source names and different content, which is what the cross-check
// (crosscheck.mjs) needs: every hashed output name must change, every
// unhashed one must stay.
//
// react flavor: src/<entry> (React root + one React.lazy(() => import()) per
//   page), src/pages/*.js (createElement, no JSX, so every bundler can take it
//   without a JSX transform), src/lib/util-*.js shared by several pages (so
//   the bundlers make shared chunks), src/assets/* imported from code and from
//   CSS, src/styles.css, and a CSS file for every 5th page.
// angular flavor: src/app/pages/*.ts standalone components lazily routed with
//   loadComponent, src/app/lib/util-*.ts, src/assets/* imported from TS (the
//   application builder's "file" loader) and from src/styles.css.
import fs from 'node:fs';
import path from 'node:path';
import { rng, randBytes, words, png } from './lib.mjs';

const args = process.argv.slice(2);
const project = args[0];
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? def : args[i + 1];
};
const flag = (name) => args.includes(`--${name}`);
const flavor = opt('flavor', 'react');
const seed = opt('seed', 'a');
const nModules = Number(opt('modules', 300));
const nAssets = Number(opt('assets', 45));
const entryName = opt('entry', 'main.js');
const chunkNames = flag('chunk-names'); // webpackChunkName magic comments on every 3rd page
if (!project) throw new Error('usage: gen-src.mjs <projectDir> --flavor react|angular ...');

const src = path.join(project, 'src');
const write = (rel, data) => {
  const f = path.join(src, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
};

// ---- names (seed independent) ------------------------------------------
const nameRng = rng('names', 'v1');
const pick = (arr) => arr[Math.floor(nameRng() * arr.length)];
const A = ['order', 'user', 'report', 'billing', 'team', 'project', 'invoice', 'audit', 'search',
  'profile', 'dashboard', 'inventory', 'shipping', 'catalog', 'support', 'metrics'];
const B = ['history', 'settings', 'detail', 'list', 'editor', 'summary', 'export', 'overview',
  'wizard', 'archive', 'queue', 'calendar'];
const pages = [];
for (let i = 1; i <= nModules; i++) {
  const n = String(i).padStart(3, '0');
  // mostly kebab-case, some with year-like or version-like numbers in the name
  const variant = i % 7;
  let base;
  if (variant === 0) base = `${pick(A)}-2024-${n}`;
  else if (variant === 3) base = `${pick(A)}-${pick(B)}-v2-${n}`;
  else base = `${pick(A)}-${pick(B)}-${n}`;
  const cls = base.split('-').map((s) => s[0].toUpperCase() + s.slice(1)).join('');
  pages.push({ i, file: base, cls: /^[0-9]/.test(cls) ? `P${cls}` : cls });
}

// Asset source names, including some that look like hashes or versions.
const SPECIAL = [
  ['photo-12345678', 'png'], ['screenshot-20240115', 'png'], ['deadbeef', 'png'],
  ['a1b2c3d4', 'png'], ['icon-192x192', 'png'], ['logo-v2.1.0', 'svg'], ['chart-4.4.1', 'svg'],
  ['inter-latin-400-normal', 'woff2'], ['inter-latin-700-normal', 'woff2'],
  ['roboto-mono-v23-latin-regular', 'woff2'], ['icons.1a2b3c4d', 'woff2'],
];
const PNG_P = ['hero', 'avatar', 'product_shot', 'thumb', 'card-bg', 'banner'];
const SVG_P = ['illustration', 'icon-arrow', 'empty-state', 'badge'];
const FONT_P = ['display-font', 'body-font'];
const assets = [];
for (const [n, ext] of SPECIAL) if (assets.length < nAssets) assets.push({ name: n, ext });
for (let k = 1; assets.length < nAssets; k++) {
  const m = k % 9;
  if (m < 6) assets.push({ name: `${PNG_P[k % PNG_P.length]}-${k}`, ext: 'png' });
  else if (m < 8) assets.push({ name: `${SVG_P[k % SVG_P.length]}-${k}`, ext: 'svg' });
  else assets.push({ name: `${FONT_P[k % FONT_P.length]}-${k}`, ext: 'woff2' });
}
const fontAssets = assets.filter((a) => a.ext === 'woff2');
const imgAssets = assets.filter((a) => a.ext !== 'woff2');
// the global stylesheet references the first two fonts and two images
const cssGlobal = [fontAssets[0], fontAssets[1], imgAssets[0], imgAssets[1]].filter(Boolean);
// every other asset is imported by at least one page module
const codeAssets = assets.filter((a) => !cssGlobal.includes(a));
const pageAssets = new Map(); // page index -> asset
codeAssets.forEach((a, k) => pageAssets.set((k * 7) % nModules, a));

// ---- asset bytes (seed dependent) --------------------------------------
function assetBytes(a) {
  const r = rng(seed, `asset:${a.name}`);
  if (a.ext === 'png') {
    return png(64, 64, () => [r() * 256, r() * 256, r() * 256].map(Math.floor));
  }
  if (a.ext === 'svg') {
    let d = 'M0 0';
    while (d.length < 11000) d += ` L${(r() * 512).toFixed(2)} ${(r() * 512).toFixed(2)}`;
    return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">` +
      `<title>${a.name} ${words(r, 4)}</title><path fill="none" stroke="#${randBytes(r, 3).toString('hex')}" d="${d}"/></svg>\n`);
  }
  // woff2: magic + random payload. Bundlers never parse font bytes.
  return Buffer.concat([Buffer.from('wOF2'), randBytes(r, 11000 + Math.floor(r() * 2000))]);
}

for (const d of ['pages', 'lib', 'assets', 'app/pages', 'app/lib']) {
  fs.rmSync(path.join(src, d), { recursive: true, force: true });
}
for (const a of assets) write(`assets/${a.name}.${a.ext}`, assetBytes(a));

const color = (r) => '#' + randBytes(r, 3).toString('hex');
const nums = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 1e6));
const utilFor = (i) => {
  const u = [];
  if (i % 3 === 0) u.push(i % 10);
  if (i % 4 === 0 && !u.includes((i * 7) % 10)) u.push((i * 7) % 10);
  return u;
};

function globalCss(urlPrefix) {
  const r = rng(seed, 'styles');
  let css = '';
  fontAssets.slice(0, 2).forEach((f, k) => {
    css += `@font-face {\n  font-family: "Fixture${k}";\n  src: url("${urlPrefix}${f.name}.woff2") format("woff2");\n  font-display: swap;\n}\n`;
  });
  css += `:root {\n  --accent: ${color(r)};\n  --muted: ${color(r)};\n}\n`;
  css += `body {\n  margin: 0;\n  font-family: "Fixture0", system-ui, sans-serif;\n  background: url("${urlPrefix}${imgAssets[0].name}.${imgAssets[0].ext}") repeat;\n}\n`;
  css += `.header {\n  background-image: url("${urlPrefix}${imgAssets[1].name}.${imgAssets[1].ext}");\n  color: var(--accent);\n}\n`;
  for (let k = 0; k < 20; k++) css += `.u-${k} { margin: ${Math.floor(r() * 40)}px; color: ${color(r)}; }\n`;
  return css;
}

function pageCss(p, urlPrefix) {
  const r = rng(seed, `css:${p.file}`);
  let css = `.p-${p.i} {\n  color: ${color(r)};\n  border: 1px solid ${color(r)};\n  padding: ${Math.floor(r() * 30)}px;\n}\n`;
  css += `.p-${p.i} h2 {\n  letter-spacing: ${(r() * 2).toFixed(3)}px;\n}\n`;
  return css;
}

if (flavor === 'react') {
  for (let u = 0; u < 10; u++) {
    const r = rng(seed, `util:${u}`);
    write(`lib/util-${u}.js`,
      `const TABLE_${u} = ${JSON.stringify(nums(r, 30))};\n` +
      `export function fmt${u}(x) {\n  return "${words(r, 3)}: " + (x * ${Math.floor(r() * 97) + 2} + TABLE_${u}[x % TABLE_${u}.length]);\n}\n` +
      `export const LABEL_${u} = ${JSON.stringify(words(r, 6))};\n`);
  }
  for (const p of pages) {
    const r = rng(seed, `page:${p.file}`);
    const utils = utilFor(p.i);
    const asset = pageAssets.get(p.i - 1);
    let s = `import { createElement as h } from "react";\n`;
    for (const u of utils) s += `import { fmt${u}, LABEL_${u} } from "../lib/util-${u}.js";\n`;
    if (asset) s += `import assetUrl from "../assets/${asset.name}.${asset.ext}";\n`;
    if (p.i % 5 === 0) s += `import "./${p.file}.css";\n`;
    s += `\nconst DATA = ${JSON.stringify(nums(r, 24))};\nconst TEXT = ${JSON.stringify(words(r, 20))};\n\n`;
    s += `export default function ${p.cls}() {\n  return h("section", { className: "p-${p.i}" },\n`;
    s += `    h("h2", null, ${JSON.stringify(words(r, 3))}),\n    h("p", null, TEXT),\n`;
    for (const u of utils) s += `    h("p", null, LABEL_${u} + " " + fmt${u}(DATA[${u}])),\n`;
    if (asset?.ext === 'woff2') s += `    h("style", null, "@font-face{font-family:F${p.i};src:url(" + assetUrl + ")}"),\n`;
    else if (asset) s += `    h("img", { src: assetUrl, alt: ${JSON.stringify(asset.name)} }),\n`;
    s += `    h("ul", null, DATA.map((d, k) => h("li", { key: k }, d.toString(16))))\n  );\n}\n`;
    write(`pages/${p.file}.js`, s);
    if (p.i % 5 === 0) write(`pages/${p.file}.css`, pageCss(p));
  }
  write('styles.css', globalCss('./assets/'));
  const r = rng(seed, 'main');
  let m = `import { createElement as h, lazy, Suspense, useEffect, useState } from "react";\n`;
  m += `import { createRoot } from "react-dom/client";\nimport "./styles.css";\n\n`;
  m += `// ${words(r, 8)}\nconst pages = {\n`;
  for (const p of pages) {
    const magic = chunkNames && p.i % 3 === 0 ? `/* webpackChunkName: "${p.file}" */ ` : '';
    m += `  "${p.file}": lazy(() => import(${magic}"./pages/${p.file}.js")),\n`;
  }
  m += `};\n\nfunction App() {\n  const [route, setRoute] = useState(location.hash.slice(1));\n`;
  m += `  useEffect(() => {\n    const on = () => setRoute(location.hash.slice(1));\n    addEventListener("hashchange", on);\n    return () => removeEventListener("hashchange", on);\n  }, []);\n`;
  m += `  const Page = pages[route];\n  return h("div", { className: "header" },\n`;
  m += `    h("nav", null, Object.keys(pages).map((k) => h("a", { key: k, href: "#" + k }, k))),\n`;
  m += `    Page ? h(Suspense, { fallback: h("p", null, "Loading") }, h(Page)) : h("p", null, ${JSON.stringify(words(r, 5))}));\n}\n\n`;
  m += `createRoot(document.getElementById("root")).render(h(App));\n`;
  write(entryName, m);
} else if (flavor === 'angular') {
  for (let u = 0; u < 10; u++) {
    const r = rng(seed, `util:${u}`);
    write(`app/lib/util-${u}.ts`,
      `const TABLE_${u}: number[] = ${JSON.stringify(nums(r, 30))};\n` +
      `export function fmt${u}(x: number): string {\n  return '${words(r, 3)}: ' + (x * ${Math.floor(r() * 97) + 2} + TABLE_${u}[x % TABLE_${u}.length]);\n}\n` +
      `export const LABEL_${u} = ${JSON.stringify(words(r, 6))};\n`);
  }
  for (const p of pages) {
    const r = rng(seed, `page:${p.file}`);
    const utils = utilFor(p.i);
    const asset = pageAssets.get(p.i - 1);
    let s = `import { Component } from '@angular/core';\n`;
    for (const u of utils) s += `import { fmt${u}, LABEL_${u} } from '../lib/util-${u}';\n`;
    if (asset) s += `import assetUrl from '../../assets/${asset.name}.${asset.ext}';\n`;
    s += `\nconst DATA = ${JSON.stringify(nums(r, 24))};\n\n`;
    let tpl = `<section class="p-${p.i}"><h2>{{ title }}</h2><p>{{ text }}</p>`;
    for (const u of utils) tpl += `<p>{{ l${u} }} {{ f${u} }}</p>`;
    if (asset && asset.ext !== 'woff2') tpl += `<img [src]="asset" alt="${asset.name}">`;
    if (asset?.ext === 'woff2') tpl += `<a [href]="asset">font</a>`;
    tpl += `<ul>@for (d of data; track $index) {<li>{{ d }}</li>}</ul></section>`;
    s += `@Component({\n  selector: 'app-${p.file}',\n  template: \`${tpl}\`,\n`;
    if (p.i % 5 === 0) s += `  styleUrl: './${p.file}.css',\n`;
    s += `})\nexport class ${p.cls} {\n  title = ${JSON.stringify(words(r, 3))};\n  text = ${JSON.stringify(words(r, 20))};\n  data = DATA;\n`;
    for (const u of utils) s += `  l${u} = LABEL_${u};\n  f${u} = fmt${u}(DATA[${u}]);\n`;
    if (asset) s += `  asset = assetUrl;\n`;
    s += `}\n`;
    write(`app/pages/${p.file}.ts`, s);
    if (p.i % 5 === 0) write(`app/pages/${p.file}.css`, pageCss(p));
  }
  let routes = `import { Routes } from '@angular/router';\n\nexport const routes: Routes = [\n`;
  for (const p of pages) {
    routes += `  { path: '${p.file}', loadComponent: () => import('./pages/${p.file}').then((m) => m.${p.cls}) },\n`;
  }
  routes += `];\n`;
  write('app/app.routes.ts', routes);
  write('assets.d.ts', ['png', 'svg', 'woff2'].map((e) =>
    `declare module '*.${e}' {\n  const url: string;\n  export default url;\n}\n`).join(''));
  write('styles.css', globalCss('./assets/'));
} else {
  throw new Error(`unknown flavor ${flavor}`);
}
console.log(`gen-src: ${flavor} seed=${seed} pages=${pages.length} assets=${assets.length} -> ${src}`);
