/**
 * At start-up, checks that the CustomResourceDefinitions the operator serves are installed,
 * established and serve the version it uses; otherwise start-up fails with the command that
 * installs them, rather than with watch errors in a crash loop.
 */
import type { ApiClient } from './api-client.js';
import { isNotFound } from './api-client.js';
import { kinds, type ResourceKind, resourcePath } from './resource-kind.js';

export interface CrdRequirement {
  kind: ResourceKind;
  /** The command that installs the CRD, shown when it is missing. */
  install: string;
}

interface Crd {
  spec?: { versions?: Array<{ name: string; served?: boolean }> };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** A required CRD is missing or not usable; the message says how to install it. */
export class CrdMissingError extends Error {
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'CrdMissingError';
  }
}

/** Resolves when every CRD is installed and established; throws CrdMissingError listing each problem. */
export async function checkCrds(client: ApiClient, requirements: readonly CrdRequirement[]): Promise<void> {
  const problems: string[] = [];
  for (const { kind, install } of requirements) {
    const name = `${kind.plural}.${kind.group}`;
    let crd: Crd;
    try {
      crd = await client.request<Crd>('GET', resourcePath(kinds.customResourceDefinition, { name }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      problems.push(`The CustomResourceDefinition ${name} is not installed; install it with: ${install}`);
      continue;
    }
    const version = crd.spec?.versions?.find((v) => v.name === kind.version);
    if (!version?.served) {
      problems.push(
        `The CustomResourceDefinition ${name} does not serve ${kind.version}; update it with: ${install}`,
      );
    } else if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
      problems.push(
        `The CustomResourceDefinition ${name} is not established yet; check it with: kubectl get crd ${name}`,
      );
    }
  }
  if (problems.length > 0) throw new CrdMissingError(problems);
}
