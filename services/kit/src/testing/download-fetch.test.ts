import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bodyBytes = 64 * 1024; // small enough to arrive whole, FIN included, while the parser is paused
// Sends the whole body and closes straight after, as S3 servers do with an object download.
const server = createServer((socket) =>
  socket.once('data', () =>
    socket.end(
      Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${bodyBytes}\r\nConnection: close\r\n\r\n`),
        Buffer.alloc(bodyBytes, 0x62),
      ]),
    ),
  ),
);
let url = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/archive.zip`;
});
afterAll(() => server.close());

describe('downloadFetch', () => {
  it('finishes a download read slowly after the server closed, even once the global fetch was used', async () => {
    await (await fetch(url)).arrayBuffer(); // Node's client is now the registered global dispatcher
    const { downloadFetch } = await import('./download-fetch.js');
    const response = await downloadFetch(url);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the body fills up and pauses the parser
    let received = 0;
    for await (const chunk of response.body ?? []) received += (chunk as Uint8Array).byteLength;
    expect(received).toBe(bodyBytes);
  });
});
