// Tiny Vite/Rollup/Rolldown plugin used only by the fixture generator: after
// the bundle is written it records, for every file in the bundle, how the
// bundler named it, into ./fixture-meta.json (outside the output dir).
// A chunk is named by entryFileNames/chunkFileNames; an asset emitted with a
// `name` is named by assetFileNames; an asset emitted with an explicit
// `fileName` (index.html, .vite/manifest.json) is not named by a template.
import fs from 'node:fs';

export default function fixtureMeta() {
  let config;
  return {
    name: 'fixture-meta',
    apply: 'build',
    enforce: 'post',
    configResolved(c) {
      config = c;
    },
    writeBundle(output, bundle) {
      const tpl = (t) => (typeof t === 'function' ? `function:${t.toString()}` : t);
      const templates = {
        entryFileNames: tpl(output.entryFileNames),
        chunkFileNames: tpl(output.chunkFileNames),
        assetFileNames: tpl(output.assetFileNames),
      };
      const files = Object.values(bundle).map((it) => ({
        fileName: it.fileName,
        type: it.type,
        name: it.name ?? null,
        names: it.names ?? null,
        originalFileNames: it.originalFileNames ?? null,
        isEntry: it.isEntry ?? null,
        isDynamicEntry: it.isDynamicEntry ?? null,
      }));
      fs.writeFileSync('fixture-meta.json', JSON.stringify({
        outDir: config.build.outDir,
        publicDir: config.publicDir,
        rolldown: Boolean(this.meta.rolldownVersion),
        rolldownVersion: this.meta.rolldownVersion ?? null,
        rollupVersion: this.meta.rollupVersion ?? null,
        templates,
        files,
      }, null, 2));
    },
  };
}
