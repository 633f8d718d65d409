import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which proxies in front of Margins may tell us the client's address (`X-Forwarded-For`) and
 * scheme (`X-Forwarded-Proto`): none, the last `n` hops, or those at these addresses or ranges.
 * Never "everyone": a client could then pick its own address and escape every per-address limit.
 */
export type TrustProxy = false | number | readonly string[];

/** Whether the hop at `address`, `hop` steps from us (0: the socket's peer), is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

const REFUSE_TRUE =
  'true would believe any X-Forwarded-For a client sends, so anyone could choose their address and escape the rate limits. ' +
  'Set the number of proxies in front of Margins (TRUST_PROXY=1 for one reverse proxy such as nginx) ' +
  'or their addresses (TRUST_PROXY=127.0.0.1, or a range such as 10.0.0.0/8; loopback, linklocal and uniquelocal name the usual ranges)';

/** Reads TRUST_PROXY: `false`/`0`/empty, a number of hops, or a comma list of addresses; throws a readable error otherwise. */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') throw new Error(REFUSE_TRUE);
  if (/^\d+$/.test(text)) return Number(text);
  const addresses = text
    .split(',')
    .map((each) => each.trim())
    .filter(Boolean);
  for (const address of addresses) {
    try {
      proxyaddr.compile(address);
    } catch {
      throw new Error(
        `"${address}" is not an IP address, a range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return addresses;
}

/** The trust function Express's `trust proxy` setting and `clientAddressOf` share. */
export function compileProxyTrust(setting: TrustProxy): ProxyTrust {
  if (setting === false) return proxyaddr.compile([]);
  // As Express compiles a hop count: the `hops` nearest hops are proxies.
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile([...setting]);
}

/**
 * The client's address, exactly as Express's `req.ip` gives it for the same trust (both are
 * `proxy-addr`): for HTTP requests and WebSocket upgrades alike.
 */
export function clientAddressOf(request: IncomingMessage, trust: ProxyTrust): string {
  return proxyaddr(request, trust);
}
