import { defineConfig } from 'vitest/config';

// Unit tests only: pure functions beside their source, run in Node. End-to-end tests live in e2e/ and run
// against the production build in Debian's Chromium (npm run test:e2e).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
