#!/usr/bin/env node
// Writes the public folder shared by every fixture project:
//   node gen-public.mjs <dir>
// Every bundler copies it verbatim (never hashed). Names deliberately include
// hash-like, version-like and date-like parts, and assets/ + static/ subfolders
// that collide with the bundlers' own output folders.
import fs from 'node:fs';
import path from 'node:path';
import { png } from './lib.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: gen-public.mjs <dir>');
const FILES = [
  'favicon.ico', 'favicon-32x32.png', 'apple-touch-icon.png', 'icon-192x192.png',
  'icon-512x512.png', 'og-image-1200x630.png', 'screenshot-20240115.png', 'robots.txt',
  'site.webmanifest', 'sw.js', 'logo-v2.1.0.svg', 'logo-vertical.svg', 'bg-pattern1.png',
  'jquery-3.7.1.min.js', 'release-notes.20240115.txt', 'vendor/chart-4.4.1.umd.js',
  'images/hero-banner.webp', 'images/team-photo-2024.jpg', 'images/photo-12345678.jpg',
  'docs/whitepaper-2024-01-15.pdf', 'fonts/inter-latin-400-normal.woff2',
  '.well-known/apple-app-site-association', '.well-known/security.txt',
  'assets/og-image-1200x630.png', 'assets/screenshot-20240115.png',
  'assets/brand/logo-dark.svg', 'static/banner-20240115.png',
];
FILES.forEach((rel, k) => {
  let data;
  if (rel.endsWith('.png')) data = png(1, 1, () => [k * 9, 255 - k * 9, 128]);
  else if (rel.endsWith('.svg')) data = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><!-- ${rel} --></svg>\n`;
  else if (rel.endsWith('.js')) data = `/* public ${rel} */\nconsole.log(${JSON.stringify(rel)});\n`;
  else if (rel === 'robots.txt') data = 'User-agent: *\nAllow: /\n';
  else if (rel === 'site.webmanifest') data = JSON.stringify({ name: 'Fixture', icons: [{ src: '/icon-192x192.png', sizes: '192x192' }] }) + '\n';
  else if (rel.endsWith('apple-app-site-association')) data = '{"applinks":{"details":[]}}\n';
  else if (rel.endsWith('security.txt')) data = 'Contact: mailto:security@example.com\n';
  else data = `fixture public file ${rel}\n`;
  const f = path.join(dir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
});
console.log(`gen-public: ${FILES.length} files -> ${dir}`);
