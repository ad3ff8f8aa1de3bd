/**
 * The fetch every request of the CLI goes through: undici's, pinned, rather than the one built into
 * Node. Node 24.21 bundles undici 7.29, which kills the process with an uncatchable assertion when a
 * server closes the connection while a response body is paused by backpressure (nodejs/undici#5360).
 * That is exactly a download to a disk slower than the network from an S3 server that closes after
 * the body; undici 8.6 and later finish the body instead.
 */
import { fetch as undiciFetch } from 'undici';

// The same WHATWG API as the global one; only the packages' type declarations differ.
export const fetch = undiciFetch as unknown as typeof globalThis.fetch;
