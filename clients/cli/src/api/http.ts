/**
 * The fetch every request of the CLI goes through: undici's, pinned, rather than the one built into
 * Node. Node 24.21 bundles undici 7.29, which kills the process with an uncatchable assertion when a
 * server closes the connection while a response body is paused by backpressure (nodejs/undici#5360).
 * That is exactly a download to a disk slower than the network from an S3 server that closes after
 * the body; undici 8.6 and later finish the body instead.
 *
 * It sends through an Agent of its own: Node registers its built-in Agent under the global-dispatcher
 * symbol undici reads, so after any use of the global fetch in the process, undici's fetch without a
 * dispatcher would go through Node's client and its bug after all.
 */
import { Agent, fetch as undiciFetch } from 'undici';

const agent = new Agent();

// The same WHATWG API as the global one; only the packages' type declarations differ.
export const fetch = ((input: string | URL, init?: RequestInit) =>
  undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof globalThis.fetch;
