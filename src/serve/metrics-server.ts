// The HTTP side of `kamheap serve`: GET /metrics answers at once with the text of the last sample
// (never a walk per scrape), GET / a pointer to it, anything else 404. A port already taken is one
// line and exit 18; an address this host does not have is a usage error.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errnoReason, KamheapError } from '../errors.js';
import { authorityOf, type ListenAddress } from './listen-address.js';

/** The content type of the text exposition format 0.0.4. */
export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServer {
  /** Where it listens (the port the kernel chose for port 0). */
  address: ListenAddress;
  close(): Promise<void>;
}

/** Listens on `address`; `metrics()` renders the body of each scrape. */
export async function listenMetrics(address: ListenAddress, metrics: () => string): Promise<MetricsServer> {
  const server = createServer((request, response) => answer(request, response, metrics));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(address, error)));
    server.listen({ host: address.host, port: address.port, exclusive: true }, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return { address: { host: address.host, port: bound.port }, close: () => closeServer(server) };
}

/** One request: the metrics, the pointer page, or 404. */
function answer(request: IncomingMessage, response: ServerResponse, metrics: () => string): void {
  const path = (request.url ?? '').split('?')[0];
  if (request.method === 'GET' && path === '/metrics') return send(response, 200, metricsContentType, metrics());
  if (request.method === 'GET' && path === '/') return send(response, 200, 'text/plain; charset=utf-8', 'kamheap serve: Prometheus metrics at /metrics\n');
  send(response, 404, 'text/plain; charset=utf-8', 'not found: kamheap serve answers GET /metrics\n');
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Why the socket could not be opened, as one line with its own exit code. */
function listenError(address: ListenAddress, error: unknown): KamheapError {
  const where = authorityOf(address);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new KamheapError('address-in-use', `cannot listen on ${where}: the address is in use`, { cause: error });
  if (code === 'EACCES') return new KamheapError('permission', `cannot listen on ${where}: permission denied (ports below 1024 need root)`, { cause: error });
  if (code === 'EADDRNOTAVAIL') return new KamheapError('usage', `cannot listen on ${where}: this host has no such address (--listen)`, { cause: error });
  return new KamheapError('usage', `cannot listen on ${where}: ${errnoReason(error)}`, { cause: error });
}

/** Stops listening and drops open connections (a scraper's keep-alive would hold close() forever). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
