import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientAddressOf,
  compileProxyTrust,
  parseTrustProxy,
  type TrustProxy,
} from '../src/http/clientAddress.ts';

// The socket's client address must be the one HTTP's rate limits see: `clientAddressOf` against
// Express's own `req.ip`, for each kind of TRUST_PROXY, with the headers a client may forge.

const settings: [string, TrustProxy][] = [
  ['none', false],
  ['one hop', 1],
  ['two hops', 2],
  ['the proxy’s address', ['127.0.0.1']],
  ['loopback', ['loopback']],
  ['another network', ['10.0.0.0/8']],
];
const forwarded = [
  undefined,
  '203.0.113.9',
  '198.51.100.1, 203.0.113.9',
  '198.51.100.1, 10.0.0.3',
  'garbage, ,',
];

const servers: ReturnType<express.Express['listen']>[] = [];
const bases = new Map<string, string>();

beforeAll(async () => {
  for (const [name, setting] of settings) {
    const trust = compileProxyTrust(setting);
    const app = express();
    app.set('trust proxy', trust);
    app.get('/', (req, res) => {
      res.json({ express: req.ip, ours: clientAddressOf(req, trust) });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    servers.push(server);
    bases.set(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function addresses(name: string, header: string | undefined) {
  const response = await fetch(`${bases.get(name)}/`, {
    headers: header === undefined ? {} : { 'x-forwarded-for': header },
  });
  return (await response.json()) as { express: string; ours: string };
}

describe('clientAddressOf', () => {
  it.each(settings)('gives the address Express’s req.ip gives, trusting %s', async (name) => {
    for (const header of forwarded) {
      const { express: expected, ours } = await addresses(name, header);
      expect(ours, `X-Forwarded-For: ${header}`).toBe(expected);
    }
  });

  it('LIMIT-12 believes only the hops it trusts', async () => {
    expect((await addresses('none', '203.0.113.9')).ours).toBe('127.0.0.1');
    expect((await addresses('one hop', '198.51.100.1, 203.0.113.9')).ours).toBe('203.0.113.9');
    expect((await addresses('two hops', '198.51.100.1, 203.0.113.9')).ours).toBe('198.51.100.1');
    expect((await addresses('the proxy’s address', '198.51.100.1, 203.0.113.9')).ours).toBe('203.0.113.9');
    expect((await addresses('another network', '203.0.113.9')).ours).toBe('127.0.0.1');
  });
});

describe('parseTrustProxy', () => {
  it('reads none, a number of hops, or a list of addresses and ranges', () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy(' 10.0.0.1, 10.1.0.0/16 ,loopback')).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'loopback',
    ]);
  });

  it('LIMIT-12 refuses true, saying what to set instead, and anything that is not an address', () => {
    expect(() => parseTrustProxy('true')).toThrow(/TRUST_PROXY=1.*TRUST_PROXY=127\.0\.0\.1/);
    expect(() => parseTrustProxy('10.0.0.1, proxy.example.org')).toThrow(
      /"proxy\.example\.org" is not an IP address/,
    );
  });
});
