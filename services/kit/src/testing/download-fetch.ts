/**
 * The fetch tests use to download bodies from the stack (archives from S3): undici's, pinned, on an
 * Agent of its own.
 *
 * Node 24.21's built-in fetch (undici 7.29) kills the process with an uncatchable assertion when a
 * server closes the connection while a response body is paused by backpressure (nodejs/undici#5360),
 * which is what writing a large download to disk does. Importing undici's fetch is not enough on its
 * own: Node registers its Agent under the same global-dispatcher symbol undici reads, so once anything
 * in the process has used the global fetch (jose fetching a JWKS does), undici's fetch would send
 * through Node's client. Hence the explicit dispatcher.
 */
import { Agent, fetch as undiciFetch } from 'undici';

const agent = new Agent();

export const downloadFetch = ((input: string | URL, init?: RequestInit) =>
  undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
