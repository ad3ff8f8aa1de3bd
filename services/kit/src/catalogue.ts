/**
 * The light entry point `@quire/kit/catalogue`: the service catalogue and the shared configuration
 * definition, without Express, database clients or tracing, for the operator and the CLI, which
 * need the names but not the server machinery (loading all of `@quire/kit` costs them ~1 s and
 * ~180 MB at start).
 */
export * from './service-catalogue.js';
export * from './service-env.js';
