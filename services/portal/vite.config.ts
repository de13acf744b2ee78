// The portal's build: React through Vite into dist/ (served by server/main.mjs). In `npm run dev -w
// @parking/portal` Vite's own server passes /v1 to the gateway, as the portal server does.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: { '/v1': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
