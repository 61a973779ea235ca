// A free UDP or TCP port on loopback, found by letting the kernel pick one.
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';

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

/** A free TCP port on `host`, found the same way (for servers a test starts, e.g. Prometheus). */
export async function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
