/**
 * The light entry point `@quire/kit/catalogue`: the service catalogue, the shared configuration
 * definition and SPIFFE identities, without Express, database clients or tracing. The operator and
 * the CLI need the names but not the server machinery, which costs ~1 s and ~180 MB to load.
 */
export * from './service-catalogue.js';
export * from './service-env.js';
export * from './tls/spiffe.js';
