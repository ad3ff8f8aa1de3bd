import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const size = 64 * 1024;
let server: Server;
let url: string;

beforeAll(async () => {
  // Answers one large body with a Content-Length, then closes the connection at once, as S3 servers do.
  server = createServer((socket) => {
    socket.once('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
      socket.end(Buffer.alloc(size, 0x61));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the CLI fetch', () => {
  it('delivers the whole body when the server closes while the reader is still behind, even after a global fetch', async () => {
    // Node's own fetch, used first, registers Node's client as the global dispatcher undici reads.
    await (await globalThis.fetch(url)).arrayBuffer();
    const { fetch } = await import('./http.js');
    const response = await fetch(url);
    // Not reading yet lets the body fill up and pause the parser before the server's FIN arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let received = 0;
    for await (const chunk of response.body ?? []) received += (chunk as Uint8Array).byteLength;
    expect(received).toBe(size);
  });
});
