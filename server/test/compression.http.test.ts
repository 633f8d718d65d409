import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDraft } from './support/records.ts';
import { tempDir } from './support/tempDir.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// Responses are compressed (brotli or gzip) for clients that accept it: a visitor on a slow link gets the client's
// code and the draft's text in a third of the bytes.

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function get(url: string, acceptEncoding?: string) {
  return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers['content-encoding'],
          body: Buffer.concat(chunks),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('compressed responses', () => {
  it('sends the client’s scripts compressed to a client that accepts it (brotli or gzip), and plain to one that does not', async () => {
    const clientDir = tempDir('margins-client-');
    mkdirSync(path.join(clientDir, 'assets'));
    const script = `export const words = ${JSON.stringify('consultation '.repeat(5000))};\n`;
    writeFileSync(path.join(clientDir, 'assets', 'app.js'), script);
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Margins</title>');
    running = await startTestServer({ clientDir });

    const browser = await get(`${running.url}/assets/app.js`, 'gzip, deflate, br');
    expect(browser.status).toBe(200);
    expect(browser.encoding).toBe('br');
    expect(browser.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(browser.body).toString()).toBe(script);

    const zipped = await get(`${running.url}/assets/app.js`, 'gzip');
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(zipped.body).toString()).toBe(script);

    const plain = await get(`${running.url}/assets/app.js`);
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('gzips the API’s JSON, such as the draft’s reading copy', async () => {
    running = await startTestServer();
    const paragraph = 'Every contribution gets a published answer from the task force. ';
    await seedDraft(running.storage.drafts, {
      id: 'long-draft',
      markdown: `# Long\n\n${`${paragraph.repeat(20)}\n\n`.repeat(30)}`,
    });

    const zipped = await get(`${running.url}/api/drafts/long-draft/content`, 'gzip');
    expect(zipped.status).toBe(200);
    expect(zipped.encoding).toBe('gzip');
    const content = JSON.parse(gunzipSync(zipped.body).toString()) as { html: string };
    expect(content.html).toContain(paragraph.trim());
  });
});
