// TRUST_PROXY (issue 18, D6): which peers may tell the API the client's address (X-Forwarded-For)
// and a request id (X-Request-Id). Off by default: the peer is the client. When on, it is a
// comma-separated list of the proxies' addresses or CIDR ranges (Express's own names `loopback`,
// `linklocal`, `uniquelocal` are ranges too). A hop count or `true` is refused: with it, any client
// that reaches the port directly chooses the address the audit trail records and the limits count.
import { isIP } from 'node:net';

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isRange(entry: string): boolean {
  if (NAMES.has(entry) || isIP(entry) !== 0) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address || !bits || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** The proxies to trust (empty = none), or the reason the value is refused. */
export function parseTrustProxy(value: string): { proxies: string[] } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false') return { proxies: [] };
  if (/^(\d+|true)$/i.test(trimmed))
    return {
      problem:
        `"${trimmed}" would trust whatever address any client claims; list the proxies' addresses or ` +
        'CIDR ranges instead, e.g. TRUST_PROXY=10.0.0.5,10.0.1.0/24 (empty = clients connect directly)',
    };
  const proxies = trimmed
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = proxies.filter((p) => !isRange(p));
  if (bad.length)
    return {
      problem: `not an IP address or CIDR range: ${bad.join(', ')} (e.g. TRUST_PROXY=10.0.0.5,10.0.1.0/24)`,
    };
  return { proxies };
}
