// Benchmark build (npm run bench:browser): the app plus bench.html (the training worker with no UI),
// into out/bench-dist so that the app's own dist/ is left alone.

import { mergeConfig } from 'vite';
import base from './vite.config.ts';

export default mergeConfig(base, {
  build: {
    outDir: 'out/bench-dist',
    emptyOutDir: true,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
