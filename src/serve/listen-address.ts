// `--listen HOST:PORT`: where `kamheap serve` takes its scrapes. HOST is an IP address (IPv6 in
// brackets) or "localhost", never a name to resolve: the exporter reads a production process, so
// where it listens is exactly what the operator typed. Loopback by default.
import { isIP } from 'node:net';
import { KamheapError } from '../errors.js';

export interface ListenAddress {
  host: string;
  /** 0: the kernel picks a free port (serve prints the one it got). */
  port: number;
}

export const defaultListen = '127.0.0.1:9465';

/** Parses HOST:PORT; anything else is a usage error naming the option. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const hostOk = host !== undefined && (match?.[1] === undefined ? host === 'localhost' || isIP(host) === 4 : isIP(host) === 6);
  if (!match || !hostOk || host === undefined || port > 65535) {
    throw new KamheapError('usage', `--listen must be HOST:PORT with an IP address or localhost (IPv6 in brackets: [::1]:9465) and a port up to 65535, not "${text}"`);
  }
  return { host, port };
}

/** HOST:PORT as a URL's authority (IPv6 back in brackets). */
export function authorityOf({ host, port }: ListenAddress): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
