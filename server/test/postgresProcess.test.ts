import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from './support/postgresDatabase.ts';
import { runToExit, spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

// The real process on PostgreSQL: configured by DATABASE_URL and REDIS_URL as operators set them.

const repoRoot = path.resolve(import.meta.dirname, '../..');

function startAndExit(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', DATA_DIR: tempDir(), DRAFTS_DIR: tempDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runToExit(child);
}

describe('the server on PostgreSQL', () => {
  it('stores the sample drafts in DATABASE_URL and serves them after a restart, with no data directory', async () => {
    const url = await freshDatabase();
    const draftsDir = path.join(repoRoot, 'drafts');
    const first = await spawnServer({ draftsDir, env: { DATABASE_URL: url } });
    const listed = (await (await fetch(`${first.url}/api/drafts`)).json()) as { id: string }[];
    await first.stop();

    // Another data directory and no drafts folder: everything comes from PostgreSQL.
    const second = await spawnServer({ env: { DATABASE_URL: url } });
    try {
      const again = (await (await fetch(`${second.url}/api/drafts`)).json()) as { id: string }[];
      expect(listed.length).toBe(3);
      expect(again.map((d) => d.id)).toEqual(listed.map((d) => d.id));
    } finally {
      await second.stop();
    }
  });

  it('refuses REDIS_URL without DATABASE_URL, saying why', async () => {
    const { code, output } = await startAndExit({ REDIS_URL: 'redis://127.0.0.1:6379' });

    expect(code).toBe(2);
    expect(output).toContain('REDIS_URL is set without DATABASE_URL');
    expect(output).toContain('set DATABASE_URL too');
  });

  it('stops with one line naming the store, without its password, when PostgreSQL cannot be reached', async () => {
    // Port 1 of this machine: nobody listens there.
    const { code, output } = await startAndExit({
      DATABASE_URL: 'postgres://margins:s3cret@127.0.0.1:1/margins',
    });

    expect(code).toBe(2);
    expect(output).toContain(
      'Margins cannot start: the PostgreSQL store at postgres://margins:***@127.0.0.1:1/margins',
    );
    expect(output).not.toContain('s3cret');
  });

  it('refuses a DATABASE_URL that is not a postgres:// URL', async () => {
    const { code, output } = await startAndExit({ DATABASE_URL: 'mysql://127.0.0.1/margins' });

    expect(code).toBe(2);
    expect(output).toContain('DATABASE_URL: must be a postgres:// (or postgresql://) URL');
  });
});
