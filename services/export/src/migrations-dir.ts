import { fileURLToPath } from 'node:url';

/** The folder of Export's SQL migrations (the same files the operator applies). */
export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
