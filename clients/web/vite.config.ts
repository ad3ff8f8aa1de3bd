// The web app's build: a static bundle in dist/ that the gateway (or the web image) serves at `/`,
// calling the APIs under `/v1` on the same origin. `vite` in development proxies them to a gateway.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, reportCompressedSize: true },
  server: {
    proxy: {
      '/v1': process.env.QUIRE_GATEWAY_URL ?? 'http://127.0.0.1:8080',
      '/.well-known': process.env.QUIRE_GATEWAY_URL ?? 'http://127.0.0.1:8080',
    },
  },
});
