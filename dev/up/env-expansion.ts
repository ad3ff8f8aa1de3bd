/**
 * Kubernetes' `$(VAR)` expansion in container env values, as the kubelet applies it: a reference to
 * a variable defined earlier (by `envFrom` or an earlier `env` entry) is replaced by its value, `$$`
 * is a literal `$`, and a reference to anything else stays exactly as written.
 */
export function expandReferences(value: string, defined: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in defined ? (defined[name] as string) : match;
  });
}
