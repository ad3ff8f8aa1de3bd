/**
 * Reading a watch: the API server sends one JSON event a line, and a line can arrive split across
 * chunks, or several lines in one chunk.
 */
import type { ApiStatus } from './api-client.js';
import type { KubeObject } from './resource-kind.js';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & ApiStatus;
}

/** Yields each event of a watch stream; `onChunk` is told of every chunk, even one without a whole line. */
export async function* watchEvents(
  stream: ReadableStream<Uint8Array>,
  onChunk: () => void,
): AsyncGenerator<WatchEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream) {
    onChunk();
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield JSON.parse(line) as WatchEvent;
      newline = buffered.indexOf('\n');
    }
  }
}
