import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import fixtureMeta from './vite-fixture-meta.js';

// Default Vite build config (assetsDir "assets", default file names);
// FIXTURE_MANIFEST=1 adds build.manifest for the vite8-manifest fixture.
export default defineConfig({
  plugins: [react(), fixtureMeta()],
  build: {
    manifest: process.env.FIXTURE_MANIFEST === '1',
  },
});
