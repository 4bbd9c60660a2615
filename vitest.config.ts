import { defineConfig } from 'vitest/config';

// Tests run from TypeScript sources. Two workers match the 2-core CI machine; long
// conformance files set their own timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
