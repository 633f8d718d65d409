import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'shared/**/*.test.ts', 'client/src/**/*.test.{ts,tsx}'],
    // One throwaway PostgreSQL and Redis for the run (server/test/support/engineSetup.ts).
    globalSetup: ['server/test/support/engineSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
