import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Starts one Kafka broker and one PostgreSQL for the whole run (see test/infra/context.ts). It is not
    // subject to hookTimeout: the first run downloads the Kafka jars with Maven, which can take minutes.
    globalSetup: ['test/infra/global-setup.ts'],
    // Child processes rather than worker threads: tests start servers and workers of their own, and a
    // process gives each file its own process.cwd, env and exit handling.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
