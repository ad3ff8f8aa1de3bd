// Lets the `dev` image (Tilt's live update) run a service from its TypeScript sources, which Node.js
// 24 compiles on load (--experimental-transform-types). Sources live in a writable copy under
// QUIRE_LIVE_DIR (/tmp/live), because the pods' root filesystem is read-only:
// - a workspace package's compiled file (services/kit/dist/x.js, reached through node_modules) is
//   swapped for its live source (services/kit/src/x.ts), so edits to the kit apply too;
// - a relative `./x.js` that does not exist resolves to `./x.ts`, as NodeNext sources import.
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const live = process.env.QUIRE_LIVE_DIR ?? '/tmp/live';
const image = process.env.QUIRE_APP_DIR ?? '/app';
const compiled = new RegExp(
  `^${pathToFileURL(image).href}/((?:services|operator|clients)/[^/]+(?:/[^/]+)?)/dist/(.+)\\.js$`,
);

registerHooks({
  resolve(specifier, context, nextResolve) {
    let resolved;
    try {
      resolved = nextResolve(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
    const match = compiled.exec(resolved.url);
    if (!match) return resolved;
    return nextResolve(pathToFileURL(`${live}/${match[1]}/src/${match[2]}.ts`).href, context);
  },
});
