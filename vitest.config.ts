import { defineConfig } from 'vitest/config';

// The suites that must hold however Margins is deployed: the hostile-input, permission and HTTP
// suites run a second time with every in-process test server on PostgreSQL, with Redis relaying
// its live traffic and keeping its rate limits (MARGINS_TEST_STORE), as with DATABASE_URL and REDIS_URL set.
const ON_POSTGRES_TOO = [
  'server/test/abuse.test.ts',
  'server/test/auth.http.test.ts',
  'server/test/changelog.http.test.ts',
  'server/test/collab.integration.test.ts',
  'server/test/exports.responses.test.ts',
  'server/test/permissions.socket.test.ts',
  'server/test/presenceFlood.socket.test.ts',
  'server/test/readingCopy.http.test.ts',
  'server/test/report.http.test.ts',
  'server/test/suggestions.http.test.ts',
  'server/test/threads.http.test.ts',
];

export default defineConfig({
  test: {
    // One throwaway PostgreSQL and Redis for the run (server/test/support/engineSetup.ts).
    globalSetup: ['server/test/support/engineSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['server/test/**/*.test.ts', 'shared/**/*.test.ts', 'client/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: { name: 'on-postgres', include: ON_POSTGRES_TOO, env: { MARGINS_TEST_STORE: 'postgres' } },
      },
    ],
  },
});
