import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server proxies the API to a locally running `matchmaker serve` (port 8000).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': 'http://127.0.0.1:8000',
      '/files': 'http://127.0.0.1:8000',
      '/__test__': 'http://127.0.0.1:8000',
    },
  },
  build: {
    // The manifest lets scripts/chunk-sizes.mjs follow each page's static imports.
    manifest: true,
    chunkSizeWarningLimit: 2500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // antd components render slowly in jsdom on a busy 2-core machine; 5 s flakes there.
    testTimeout: 30_000,
  },
});
