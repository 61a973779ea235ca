// One SIP OPTIONS request over UDP on loopback, answered by bench/kamailio-bench.cfg once its work
// (a fill) is done. Not sipp: a fill takes seconds, and sipp would retransmit after 500 ms, which
// makes Kamailio run the same fill again. Here there is one datagram and one wait for the answer.
import { createSocket } from 'node:dgram';

export interface SipReply {
  status: number;
  reason: string;
  /** Header values by lower-case name (the last one wins). */
  headers: Map<string, string>;
}

/**
 * The OPTIONS request, CRLF line ends, with extra `headers` (name: value). Kamailio answers to the
 * Via's host and port (`localPort`, where the sender listens); rport asks for the source port too.
 */
export function optionsRequest(port: number, localPort: number, callId: string, headers: Readonly<Record<string, string>>): string {
  const tag = callId.replace(/[^A-Za-z0-9-]/g, '');
  return [
    `OPTIONS sip:bench@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};rport;branch=z9hG4bK-${tag}`,
    'Max-Forwards: 70',
    `From: <sip:bench@127.0.0.1>;tag=${tag}`,
    `To: <sip:bench@127.0.0.1:${port}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status line and headers of a SIP response; throws on anything else. */
export function parseReply(text: string): SipReply {
  const lines = text.split(/\r?\n/);
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (status === null) throw new Error(`not a SIP response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), reason: status[2] ?? '', headers };
}

/**
 * Sends one request to 127.0.0.1:port from an ephemeral loopback port and resolves with the first final
 * answer (>= 200) to its Call-ID; rejects on timeout or abort. Provisional answers are skipped.
 */
export async function sendOptions(
  port: number,
  callId: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SipReply> {
  signal.throwIfAborted();
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    const localPort = socket.address().port;
    return await new Promise<SipReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${callId} within ${timeoutMs / 1000} s`)), timeoutMs);
      const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      socket.on('error', (error) => {
        done();
        reject(error);
      });
      socket.on('message', (message) => {
        let reply: SipReply;
        try {
          reply = parseReply(message.toString('latin1'));
        } catch {
          return;
        }
        if (reply.headers.get('call-id') !== callId || reply.status < 200) return;
        done();
        resolve(reply);
      });
      socket.send(Buffer.from(optionsRequest(port, localPort, callId, headers), 'latin1'), port, '127.0.0.1', (error) => {
        if (error) {
          done();
          reject(error);
        }
      });
    });
  } finally {
    socket.close();
  }
}
