// The kit's mTLS: workload identities, the mounted certificate kept current, the server and client.
export * from './allow-callers.js';
export * from './client-address.js';
export * from './mtls-agent.js';
export * from './mtls-fetch.js';
export * from './mtls-server.js';
export * from './peer-identity.js';
export * from './spiffe.js';
export * from './tls-material.js';
