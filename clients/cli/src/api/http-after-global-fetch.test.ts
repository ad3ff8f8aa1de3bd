import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const size = 64 * 1024;
let server: Server;
let url: string;

beforeAll(async () => {
  // One large body with a Content-Length, then the connection closed at once, as S3 servers do.
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

describe('the CLI fetch, in a process that used the global fetch first', () => {
  it('still delivers the whole body a slow reader asks for after the server closed', async () => {
    // Node's fetch registers its own Agent as the global dispatcher undici would otherwise use.
    await (await globalThis.fetch(url)).arrayBuffer();
    const { fetch } = await import('./http.js');
    const response = await fetch(url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    let received = 0;
    for await (const chunk of response.body ?? []) received += (chunk as Uint8Array).byteLength;
    expect(received).toBe(size);
  });
});
