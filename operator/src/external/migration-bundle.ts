/**
 * The services' SQL migrations as the operator carries them. They live with each service
 * (`services/<name>/migrations/NNNN_name.sql`); `scripts/package-migrations.ts` copies them into
 * `dist/migrations/<service>/` with a manifest of checksums (like atlas.sum), so the operator's image
 * holds exactly the files it was built with, and a file altered after packaging is refused. In a
 * source checkout without a package, the services' folders are read directly.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServiceName, serviceNames } from '@quire/kit/catalogue';
import { checksumOf, loadMigrations, type MigrationFile } from './kit-migrations.js';

/** Each service's migrations, in version order; services without any are absent. */
export type MigrationBundle = ReadonlyMap<ServiceName, readonly MigrationFile[]>;

/** `manifest.json` of a packaged bundle: file name → sha256, by service. */
export interface BundleManifest {
  readonly services: Record<string, Record<string, string>>;
}

const manifestFile = 'manifest.json';
const fileNameOf = (f: MigrationFile) => `${String(f.version).padStart(4, '0')}_${f.name}.sql`;

/** The packaged bundle beside the compiled code (`dist/migrations`), if it was packaged. */
export const packagedBundleDir = fileURLToPath(new URL('../migrations/', import.meta.url));
/** The services' folder of a source checkout, for runs and tests without a package. */
export const sourceServicesDir = fileURLToPath(new URL('../../../services/', import.meta.url));

/** A packaged file does not match the manifest, or a file is missing. */
export class MigrationBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationBundleError';
  }
}

async function readSourceLayout(servicesDir: string): Promise<Map<ServiceName, MigrationFile[]>> {
  const bundle = new Map<ServiceName, MigrationFile[]>();
  for (const service of serviceNames) {
    const dir = join(servicesDir, service, 'migrations');
    if (!existsSync(dir)) continue;
    const files = await loadMigrations(dir);
    if (files.length > 0) bundle.set(service, files);
  }
  return bundle;
}

async function readPackagedLayout(dir: string): Promise<Map<ServiceName, MigrationFile[]>> {
  const manifest = JSON.parse(await readFile(join(dir, manifestFile), 'utf8')) as BundleManifest;
  const bundle = new Map<ServiceName, MigrationFile[]>();
  for (const [service, sums] of Object.entries(manifest.services)) {
    if (!(serviceNames as readonly string[]).includes(service)) {
      throw new MigrationBundleError(`The migration manifest names an unknown service ${service}`);
    }
    const files = await loadMigrations(join(dir, service));
    const names = files.map(fileNameOf);
    for (const [name, sum] of Object.entries(sums)) {
      const file = files[names.indexOf(name)];
      if (!file) throw new MigrationBundleError(`Packaged migration ${service}/${name} is missing`);
      if (checksumOf(file.sql) !== sum) {
        throw new MigrationBundleError(
          `Packaged migration ${service}/${name} does not match its manifest checksum`,
        );
      }
    }
    const extra = names.filter((n) => !(n in sums));
    if (extra.length > 0) {
      throw new MigrationBundleError(
        `Packaged migrations ${service}/${extra.join(', ')} are not in the manifest`,
      );
    }
    bundle.set(service as ServiceName, files);
  }
  return bundle;
}

/**
 * Loads the bundle: from `dir` when given (a packaged bundle if it holds a manifest, else a services
 * folder), else the packaged one beside the code, else the source checkout's services.
 */
export async function loadMigrationBundle(dir?: string): Promise<MigrationBundle> {
  const at =
    dir ?? (existsSync(join(packagedBundleDir, manifestFile)) ? packagedBundleDir : sourceServicesDir);
  const bundle = existsSync(join(at, manifestFile))
    ? await readPackagedLayout(at)
    : await readSourceLayout(at);
  // Services ship migrations, so finding none means a build that skipped packaging: better to stop
  // than to create empty schemas and report them ready.
  if (bundle.size === 0 && dir === undefined) {
    throw new MigrationBundleError(
      `Found no migrations in ${packagedBundleDir} or ${sourceServicesDir}; build the operator with its package script (npm run build), which packages them`,
    );
  }
  return bundle;
}

/** Copies every service's migrations from a services folder into `outDir` with a manifest; returns it. */
export async function packageMigrations(servicesDir: string, outDir: string): Promise<BundleManifest> {
  const bundle = await readSourceLayout(servicesDir);
  await rm(outDir, { recursive: true, force: true });
  const services: Record<string, Record<string, string>> = {};
  for (const [service, files] of bundle) {
    await mkdir(join(outDir, service), { recursive: true });
    services[service] = {};
    for (const file of files) {
      await copyFile(
        join(servicesDir, service, 'migrations', fileNameOf(file)),
        join(outDir, service, fileNameOf(file)),
      );
      services[service][fileNameOf(file)] = checksumOf(file.sql);
    }
  }
  const manifest: BundleManifest = { services };
  await writeFile(join(outDir, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
