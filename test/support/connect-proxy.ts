import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A forward proxy for HTTPS as corporate networks run them: it answers
 * `CONNECT host:port` by opening a tunnel to it and records every host it
 * tunnelled to. Anything that is not CONNECT is refused (405), so a client
 * that sends plain requests to the proxy shows up as a failure.
 */
export interface ConnectProxy {
  url: string;
  /** `host:port` of each tunnel, in order. */
  tunnels: string[];
  /** The local port of each tunnel's connection to its target: what the target sees as the client's port. */
  upstreamPorts: Set<number>;
  /** Non-CONNECT requests it refused. */
  refused: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const refused: string[] = [];
  const upstreamPorts = new Set<number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    refused.push(`${request.method ?? ''} ${request.url ?? ''}`);
    response.writeHead(405).end();
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    tunnels.push(target);
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, host, () => {
      if (upstream.localPort !== undefined) upstreamPorts.add(upstream.localPort);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    upstreamPorts,
    refused,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
