import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Content-Security-Policy of the built app: only what it needs. Scripts, the training worker,
// styles, the shipped teachers and the wasm binaries all come from the app's own origin; nothing is
// fetched from anywhere else, nothing is inlined as script, and no plugin or <base> can be added.
// Images may be data: (the favicon) or blob: URLs. Downloads are blob: URLs opened by a click, which
// no directive governs.
//
// It is a <meta> tag added at build time only: the dev server injects an inline script for hot
// reload that this policy would block. A meta policy governs the page; the worker script gets the
// policy of its own response headers (none from `vite preview`). A host that sends CSP headers for
// the worker must allow 'wasm-unsafe-eval' there: tfjs-backend-wasm compiles with WebAssembly.instantiate.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Adds CONTENT_SECURITY_POLICY to the built index.html only. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// The training core runs in a module Web Worker (src/worker/worker.ts).
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    // End-to-end tests need the built app and a browser: vitest.e2e.config.ts runs them.
    exclude: ['tests/e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
