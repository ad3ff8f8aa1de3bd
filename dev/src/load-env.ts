// Vitest setup file for integration tests: exposes the local stack's settings as environment
// variables, without overriding what the caller already set.
import { readStackEnv } from './stack-env.js';

for (const [key, value] of Object.entries(readStackEnv())) {
  process.env[key] ??= value;
}
