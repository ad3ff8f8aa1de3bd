/**
 * The commands for cluster operators: they talk to Kubernetes and honour the kubeconfig, --context
 * and -n as kubectl does. Only the definitions live here; each action imports its implementation
 * when it runs, so `--help` and the user commands never load the Kubernetes client.
 */
import { type Command, Option } from 'commander';
import { parseDuration, parsePositiveInt } from '../arguments.js';
import { withExamples } from '../help.js';
import type { KubeOptions } from '../kube/client.js';
import { type OutputFormat, outputOption } from '../output/format.js';

/** Adds --kubeconfig, --context and -n. */
function kubeOptions(command: Command): Command {
  return command
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use (default: its current context)')
    .option('-n, --namespace <namespace>', "the Platform's namespace (default: the context's namespace)");
}

const platformArgument = [
  '[platform]',
  'the Platform’s name (default: the only Platform in the namespace)',
] as const;

const timeoutOption = (fallback: string, what: string) =>
  new Option('--timeout <duration>', `how long to wait for ${what}, e.g. 90s, 5m, 1h`)
    .argParser(parseDuration)
    .default(parseDuration(fallback), fallback);

type Read = KubeOptions & { output: OutputFormat };

/** A repeatable option of comma-separated names, gathered into one list. */
const collectNames = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== ''),
];

/** Registers status, wait, diff, pause, resume, certs and events on `program`. */
export function addClusterCommands(program: Command): void {
  const status = kubeOptions(
    program
      .command('status')
      .description(
        'Show a Platform’s conditions, replicas per service and zone, certificate expiries, topics and schema versions',
      ),
  )
    .argument(...platformArgument)
    .addOption(outputOption())
    .action(async (name: string | undefined, options: Read) => {
      const { runStatus } = await import('../kube/status.js');
      await runStatus(name, options);
    });
  withExamples(status, [
    ['quire status -n quire-prod', 'the only Platform in namespace quire-prod, as tables'],
    ['quire status quire --context prod-eu -o json', 'one Platform in another cluster, as JSON'],
    [
      "quire status -o json | jq '.services[] | select(.readyReplicas < .desiredReplicas)'",
      'services short of replicas',
    ],
  ]);
  status.addHelpText(
    'after',
    '\n-o json prints {name, namespace, generation, observedGeneration, paused, ready, servicesReady, conditions[], services[{name, image, readyReplicas, desiredReplicas, zones[]}], certificates[], topics[], schemas[]}\n',
  );

  const wait = kubeOptions(
    program
      .command('wait')
      .description(
        'Wait until a Platform is ready (or paused, or has a condition), showing what is still converging',
      ),
  )
    .argument(...platformArgument)
    .option('--for <what>', 'ready, paused, resumed, or condition=<Type>[=True|False]', 'ready')
    .addOption(timeoutOption('5m', 'the Platform'))
    .action(async (name: string | undefined, options: KubeOptions & { for: string; timeout: number }) => {
      const { runWait } = await import('../kube/wait.js');
      await runWait(name, options);
    });
  withExamples(wait, [
    [
      'quire wait -n quire-prod --for ready --timeout 5m',
      'block a deploy pipeline until the Platform is Ready',
    ],
    ['quire wait quire --for condition=SchemasReady', 'wait for the migrations only'],
  ]);

  const diff = kubeOptions(
    program
      .command('diff')
      .description(
        'Show what applying a Platform manifest would change: the Platform (server-side dry run) and the objects the operator would create, change or remove',
      ),
  )
    .requiredOption(
      '-f, --filename <file>',
      'the manifest to compare (- reads stdin); objects other than Platforms are skipped',
    )
    .option(
      '--field-manager <name>',
      'field manager of the dry-run apply; use the one you apply with to see removals',
      'quire-cli',
    )
    .option('--summary', 'list the changed fields and objects without the patches', false)
    .addOption(outputOption())
    .action(async (options: Read & { filename: string; fieldManager: string; summary: boolean }) => {
      const { runDiff } = await import('../kube/diff.js');
      await runDiff(options);
    });
  withExamples(diff, [
    ['quire diff -f platform.yaml -n quire-prod', 'review a change before kubectl apply'],
    [
      'quire diff -f platform.yaml --field-manager kubectl --summary',
      'compare as `kubectl apply --server-side` owns the fields',
    ],
    [
      'quire diff -f platform.yaml -o json | jq \'.platforms[].objects[] | select(.action=="change")\'',
      'the changed objects, for a script',
    ],
  ]);

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    const command = kubeOptions(
      program
        .command(verb)
        .description(
          paused
            ? 'Pause a Platform: the operator changes nothing until it is resumed (sets spec.paused=true)'
            : 'Resume a paused Platform: the operator converges it on its spec again (sets spec.paused=false)',
        ),
    )
      .argument(...platformArgument)
      .option('--no-wait', 'return once spec.paused is written, without waiting for the operator to confirm')
      .addOption(timeoutOption('1m', 'the operator to confirm'))
      .action(async (name: string | undefined, options: KubeOptions & { wait: boolean; timeout: number }) => {
        const { runPause } = await import('../kube/pause.js');
        await runPause(name, paused, options);
      });
    withExamples(command, [
      [
        `quire ${verb} -n quire-prod`,
        paused ? 'stop the operator during an incident' : 'let the operator work again',
      ],
      [`quire ${verb} quire --no-wait`, 'set the field and return at once'],
    ]);
  }

  const certs = kubeOptions(
    program
      .command('certs')
      .description(
        'List a Platform’s certificates and when they expire; --rotate starts a CA rotation that reissues every certificate, --renew reissues the ones named',
      ),
  )
    .argument(...platformArgument)
    .option(
      '--rotate',
      'rotate now: a new CA is trusted at once, signs after the overlap, and every certificate is reissued',
    )
    .option(
      '--renew <name>',
      'reissue this certificate now with a new key: a service (auth, user, document, notification, search, export, audit) or gateway; repeat it or separate names with commas',
      collectNames,
    )
    .addOption(outputOption())
    .action(async (name: string | undefined, options: Read & { rotate?: boolean; renew?: string[] }) => {
      const { runCerts } = await import('../kube/certs.js');
      await runCerts(name, options);
    });
  withExamples(certs, [
    ['quire certs -n quire-prod', 'expiry and renewal time of every certificate'],
    ['quire certs -n quire-prod --rotate', 'force a rotation after a suspected CA key leak'],
    [
      'quire certs -n quire-prod --renew auth,gateway',
      'new keys and certificates for auth and the gateway only',
    ],
  ]);

  const events = kubeOptions(
    program.command('events').description('Show a Platform’s recent events, oldest first'),
  )
    .argument(...platformArgument)
    .option('--limit <n>', 'how many of the newest events to show', parsePositiveInt, 20)
    .addOption(new Option('--type <type>', 'only Normal or Warning events').choices(['Normal', 'Warning']))
    .addOption(outputOption())
    .action(async (name: string | undefined, options: Read & { limit: number; type?: string }) => {
      const { runEvents } = await import('../kube/status.js');
      await runEvents(name, options);
    });
  withExamples(events, [
    ['quire events -n quire-prod', 'what the operator did lately'],
    ['quire events --type Warning -o yaml', 'only the warnings, as YAML'],
  ]);
}
