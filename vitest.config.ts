import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and run real kubectl: keep them from starving each other.
    poolOptions: { forks: { maxForks: 2 } },
    pool: 'forks',
  },
});
