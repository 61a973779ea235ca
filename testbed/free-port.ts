// A free UDP port on loopback, found by letting the kernel pick one.
import { createSocket } from 'node:dgram';

/** Binds port 0 on `host`, reads the port the kernel chose, and releases it. */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return socket.address().port;
  } finally {
    socket.close();
  }
}
