// The usual tiny companion script of an esbuild SPA: write index.html pointing
// at the hashed entry files (found in the metafile) and copy public/ as is.
import fs from 'node:fs';

const meta = JSON.parse(fs.readFileSync('meta.json', 'utf8'));
const [js, out] = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === 'src/main.js');
const rel = (p) => '/' + p.replace(/^dist\//, '');
const css = out.cssBundle ? `\n    <link rel="stylesheet" href="${rel(out.cssBundle)}" />` : '';
fs.writeFileSync('dist/index.html', `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" href="/favicon.ico" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Fixture</title>${css}
    <script type="module" src="${rel(js)}"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`);
fs.cpSync('public', 'dist', { recursive: true });
