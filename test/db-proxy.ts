import net from 'node:net';

/**
 * A TCP proxy in front of the test database that can freeze: while frozen nothing passes in
 * either direction (connections stay open, as with a database that stops answering), and on
 * thaw everything held back flows again. For tests of what the system does during a freeze.
 */
export interface DbProxy {
  /** The database URI with the proxy's port in place of the database's. */
  uri: string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startDbProxy(targetUri: string): Promise<DbProxy> {
  const target = new URL(targetUri);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  // Forwarded by hand rather than with pipe(): pipe() resumes a paused socket on its own.
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 27017), target.hostname);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => to.write(chunk));
      from.on('close', () => to.destroy());
      from.on('error', () => undefined);
    };
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      if (frozen) socket.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const uri = new URL(targetUri);
  uri.hostname = '127.0.0.1';
  uri.port = String(port);
  return {
    uri: uri.toString(),
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw() {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
