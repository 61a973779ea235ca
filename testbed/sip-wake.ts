// A SIP request that only wakes a UDP receiver: a receiver applies pending config changes
// (such as a requested pkg dump) when its next datagram arrives. kamailio.cfg drops requests
// carrying X-Kamheap-Wake before any shm is touched, and sends no reply.
import { createSocket } from 'node:dgram';

let sequence = 0;

/** The wake-up OPTIONS request, CRLF line ends as SIP requires. */
export function wakeRequest(port: number, tag: string): string {
  return [
    `OPTIONS sip:wake@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-kamheap-${tag}`,
    'Max-Forwards: 70',
    `From: <sip:kamheap@127.0.0.1>;tag=${tag}`,
    `To: <sip:wake@127.0.0.1:${port}>`,
    `Call-ID: kamheap-wake-${tag}`,
    'CSeq: 1 OPTIONS',
    'X-Kamheap-Wake: 1',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends one wake-up datagram to 127.0.0.1:port. */
export async function sendWake(port: number): Promise<void> {
  sequence += 1;
  const message = Buffer.from(wakeRequest(port, `${process.pid}-${sequence}`));
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.send(message, port, '127.0.0.1', (error) => (error ? reject(error) : resolve()));
    });
  } finally {
    socket.close();
  }
}
