import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { importDraftsFromDir } from '../src/drafts/importDrafts.ts';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { draftRecord, yjsStateWithText } from './support/records.ts';
import { tempDir } from './support/tempDir.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('seeding drafts from DRAFTS_DIR into a stored data directory', () => {
  it('STORE-4 skips, with a warning naming it, an id whose document file exists without a record, and imports the rest', async () => {
    const dataDir = tempDir('margins-seed-data-');
    const draftsDir = tempDir('margins-seed-drafts-');
    await mkdir(path.join(dataDir, 'documents'), { recursive: true });
    // Left by a creation interrupted between its two writes (or by records lost from margins.json).
    const stray = path.join(dataDir, 'documents', 'stray.json');
    const strayBytes = JSON.stringify({
      draftId: 'stray',
      state: Buffer.from(yjsStateWithText('words someone wrote')).toString('base64'),
      savedAt: '2024-01-01T00:00:00.000Z',
    });
    await writeFile(stray, strayBytes);
    await writeFile(path.join(dataDir, 'margins.json'), JSON.stringify({ formatVersion: 1, drafts: [] }));
    await writeFile(path.join(draftsDir, 'stray.md'), '# Seed\n\nThe seed.\n');
    await writeFile(path.join(draftsDir, 'fresh.md'), '# Fresh\n\nNew.\n');
    const storage = await LowdbStorage.open(dataDir);
    const { logger, lines } = capturingLogger();

    await importDraftsFromDir(storage, draftsDir, logger);

    expect((await storage.drafts.listDrafts()).map((d) => d.id)).toEqual(['fresh']);
    expect(await readFile(stray, 'utf8')).toBe(strayBytes);
    const warning = lines.find((line) => line.level === 40);
    expect(warning?.msg).toContain(
      `did not import draft stray.md: ${stray} exists but no draft "stray" is listed`,
    );
    await storage.close();
  });

  it('STORE-4 leaves a stored draft alone on every start, even one whose document is empty', async () => {
    const dataDir = tempDir('margins-seed-data-');
    const draftsDir = tempDir('margins-seed-drafts-');
    const storage = await LowdbStorage.open(dataDir);
    await storage.drafts.createDraft(draftRecord('kept'), new Uint8Array([0, 0]));
    await storage.close();
    const before = await readFile(path.join(dataDir, 'documents', 'kept.json'), 'utf8');
    await writeFile(path.join(draftsDir, 'kept.md'), '# Seed\n\nWould overwrite.\n');

    const reopened = await LowdbStorage.open(dataDir);
    await importDraftsFromDir(reopened, draftsDir, pino({ level: 'silent' }));
    await reopened.close();

    expect(await readFile(path.join(dataDir, 'documents', 'kept.json'), 'utf8')).toBe(before);
  });
});
