// The built `quire` binary's help, usage errors and completion, run as a subprocess: nothing here
// needs the cluster or the services.
import { describe, expect, it, vi } from 'vitest';
import { quire } from './fixtures/run-cli.js';

// Each test runs the built CLI several times, one process after another: seconds on a loaded two-core machine.
vi.setConfig({ testTimeout: 30_000 });

/** Every command, with one example line its --help must show. */
const commands: Array<[string[], string]> = [
  [['status'], '$ quire status -n quire-prod'],
  [['wait'], '$ quire wait -n quire-prod --for ready --timeout 5m'],
  [['diff'], '$ quire diff -f platform.yaml -n quire-prod'],
  [['pause'], '$ quire pause -n quire-prod'],
  [['resume'], '$ quire resume -n quire-prod'],
  [['certs'], '$ quire certs -n quire-prod --rotate'],
  [['certs'], '$ quire certs -n quire-prod --renew auth,gateway'],
  [['events'], '$ quire events -n quire-prod'],
  [['login'], '$ quire login --server https://quire.example.com --email ada@example.com'],
  [['logout'], '$ quire logout'],
  [['docs', 'upload'], '$ quire docs upload report.pdf --title "Q3 report" --tag finance,2026'],
  [['docs', 'list'], '$ quire docs list --tag finance'],
  [['docs', 'get'], '$ quire docs get'],
  [['docs', 'download'], '$ quire docs download'],
  [['docs', 'share'], '--permission write'],
  [['docs', 'share'], '$ quire docs share 7d0c… grace@example.com'],
  [['docs', 'rm'], '$ quire docs rm'],
  [['docs', 'restore'], '$ quire docs restore'],
  [['docs', 'trash'], '$ quire docs trash'],
  [['search'], '$ quire search zeppelin'],
  [['export'], '$ quire export --to my-documents.zip'],
  [['export', 'list'], '$ quire export list'],
  [['notifications'], '$ quire notifications --unread --mark-read'],
  [['audit'], '$ quire audit --action document.shared --since 24h'],
  [['audit'], '$ quire audit --verify'],
  [['roles'], '$ quire roles ada@example.com --grant admin'],
  [['completion'], '$ source <(quire completion bash)'],
];

/** Commands that read, which must all offer -o table|json|yaml. */
const reads = [
  ['status'],
  ['certs'],
  ['events'],
  ['diff'],
  ['docs', 'list'],
  ['docs', 'get'],
  ['docs', 'restore'],
  ['docs', 'trash'],
  ['search'],
  ['export'],
  ['export', 'list'],
  ['notifications'],
  ['audit'],
  ['roles'],
];

describe('quire --help', () => {
  it('lists both halves, the exit codes and the environment at the top level', async () => {
    const result = await quire(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Cluster operators (Kubernetes: kubeconfig, --context, -n):');
    expect(result.stdout).toContain('Platform users (the gateway: --server or QUIRE_SERVER):');
    expect(result.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*/);
    expect(result.stdout).toContain('XDG_CONFIG_HOME');
  });

  it.each(commands)('shows examples for quire %s', async (path, example) => {
    const result = await quire([...path, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(example);
  });

  it('offers -o table|json|yaml on every read, and the cluster options on every cluster command', async () => {
    for (const path of reads) {
      const result = await quire([...path, '--help']);
      expect(result.stdout, path.join(' ')).toMatch(
        /-o, --output <format>\s+how to print the result \(choices:\s+"table",\s+"json",\s+"yaml"/,
      );
    }
    for (const command of ['status', 'wait', 'diff', 'pause', 'resume', 'certs', 'events']) {
      const result = await quire([command, '--help']);
      for (const flag of ['--kubeconfig <path>', '--context <name>', '-n, --namespace <namespace>']) {
        expect(result.stdout, `${command} ${flag}`).toContain(flag);
      }
    }
  });
});

describe('usage errors', () => {
  it('exit 2 with the problem and a pointer to --help', async () => {
    for (const args of [
      ['bogus'],
      ['status', '--output', 'xml'],
      ['wait', '--timeout', 'soon'],
      ['diff'],
      ['docs', 'get'],
      ['completion', 'fish'],
    ]) {
      const result = await quire(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/error: /);
    }
    const timeout = await quire(['wait', '--timeout', 'soon']);
    expect(timeout.stderr).toContain('write it like 90s, 5m or 1h30m');
  });

  it('exit 2 for quire certs --renew naming what is not a certificate, before touching any cluster', async () => {
    const result = await quire(['certs', '--renew', 'auth,ca', '--renew', 'gateway'], {
      env: { KUBECONFIG: '/nonexistent' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--renew names ca, which is not a certificate of a Platform');
    expect(result.stderr).toContain(
      'Name one or more of auth, user, document, notification, search, export, audit, gateway; the CA is replaced with --rotate',
    );
  });

  it('exit 2 for a manifest that cannot be read, before touching any cluster', async () => {
    const result = await quire(['diff', '-f', '/nonexistent/platform.yaml'], {
      env: { KUBECONFIG: '/nonexistent' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Cannot read /nonexistent/platform.yaml');
    expect(result.stderr).toContain('Fix: ');
  });
});

describe('quire completion', () => {
  it('prints bash and zsh scripts that know every command', async () => {
    const bash = await quire(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F _quire quire');
    expect(bash.stdout).toContain(
      "'') echo 'status wait diff pause resume certs events login logout docs search export notifications audit roles completion'",
    );
    const zsh = await quire(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef quire')).toBe(true);
    expect(zsh.stdout).toContain("'docs' 'upload:");
    expect(bash.stdout).toContain("'export') echo 'list'");
  });
});
