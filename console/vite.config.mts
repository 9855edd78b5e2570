// The web console (issue #10): `npm run build:console` runs `vite build console`, which writes
// console/dist; the API serves it at /console. No plugin: Vite compiles TSX itself with React's
// automatic JSX runtime. Everything is bundled: nothing is fetched at run time but the API.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  oxc: { jsx: { runtime: 'automatic' } },
  // `npx vite console` serves the sources with hot reload against an API on the dev port.
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/dev': 'http://127.0.0.1:3000' } },
});
