/**
 * Shell completion scripts generated from the commander tree itself (commander has none built in),
 * so a new command or option completes without anyone editing a script: subcommands with their
 * descriptions, each command's options, the choices of options that have them, and files where a
 * file is expected.
 */
import type { Command, Option } from 'commander';

interface Node {
  /** The subcommand path, space-separated ('' for the top level). */
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  options: string[];
  /** Choices of options that take one value from a fixed set, by flag. */
  choices: Record<string, readonly string[]>;
  /** Flags whose value is a file. */
  fileOptions: string[];
  /** Whether the positional arguments are files. */
  fileArguments: boolean;
}

const fileFlags = new Set(['--filename', '--kubeconfig', '--to']);
const flagsOf = (o: Option) => [o.short, o.long].filter((f): f is string => typeof f === 'string');
const firstLine = (text: string) => (text.split('\n')[0] ?? '').replace(/[`$"'\\]/g, '');

/** Every command of the tree with what completes after it. */
export function completionTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (command: Command, path: string) => {
    const options = command.options.filter((o) => !o.hidden);
    const choices: Record<string, readonly string[]> = {};
    for (const o of options) for (const f of flagsOf(o)) if (o.argChoices) choices[f] = o.argChoices;
    nodes.push({
      path,
      subcommands: command.commands.map((c) => ({ name: c.name(), description: firstLine(c.description()) })),
      options: [...options.flatMap(flagsOf), '--help'],
      choices,
      fileOptions: options.filter((o) => o.long && fileFlags.has(o.long)).flatMap(flagsOf),
      fileArguments: command.registeredArguments.some((a) => ['file', 'dest'].includes(a.name())),
    });
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A bash completion script: `source <(quire completion bash)`. */
export function bashScript(program: Command): string {
  const nodes = completionTree(program);
  const cases = (pick: (n: Node) => string) =>
    nodes.map((n) => `    ${quote(n.path)}) echo ${quote(pick(n))} ;;`).join('\n');
  const choiceCases = nodes
    .flatMap((n) =>
      Object.entries(n.choices).map(
        ([flag, values]) => `    ${quote(`${n.path}|${flag}`)}) echo ${quote(values.join(' '))} ;;`,
      ),
    )
    .join('\n');
  const fileCases = nodes.flatMap((n) => n.fileOptions.map((f) => quote(`${n.path}|${f}`))).join('|') || "''";
  const fileArgs =
    nodes
      .filter((n) => n.fileArguments)
      .map((n) => quote(n.path))
      .join('|') || "''";
  return `# bash completion for quire. Load it with: source <(quire completion bash)
_quire_subcommands() {
  case "$1" in
${cases((n) => n.subcommands.map((s) => s.name).join(' '))}
  esac
}
_quire_options() {
  case "$1" in
${cases((n) => n.options.join(' '))}
  esac
}
_quire_choices() {
  case "$1" in
${choiceCases}
  esac
}
_quire() {
  local cur prev path="" word subs
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    subs=" $(_quire_subcommands "$path") "
    [[ "$word" != -* && "$subs" == *" $word "* ]] && path="\${path:+$path }$word"
  done
  local choices
  choices="$(_quire_choices "$path|$prev")"
  if [[ -n "$choices" ]]; then COMPREPLY=($(compgen -W "$choices" -- "$cur")); return; fi
  case "$path|$prev" in ${fileCases}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$(_quire_options "$path")" -- "$cur")); return; fi
  subs="$(_quire_subcommands "$path")"
  if [[ -n "$subs" ]]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return; fi
  case "$path" in ${fileArgs}) COMPREPLY=($(compgen -f -- "$cur")) ;; esac
}
complete -o default -F _quire quire
`;
}

/** A zsh completion script: `source <(quire completion zsh)`, or save it as _quire on $fpath. */
export function zshScript(program: Command): string {
  const nodes = completionTree(program);
  const assoc = (name: string, entries: Array<[string, string]>) =>
    `  typeset -A ${name}\n  ${name}=(\n${entries.map(([k, v]) => `    ${quote(k)} ${quote(v)}`).join('\n')}\n  )`;
  const subs = assoc(
    'subs',
    nodes.map((n) => [n.path, n.subcommands.map((s) => `${s.name}:${s.description}`).join('\n')]),
  );
  const opts = assoc(
    'opts',
    nodes.map((n) => [n.path, n.options.join(' ')]),
  );
  const choices = assoc(
    'choices',
    nodes.flatMap((n) =>
      Object.entries(n.choices).map(([f, v]) => [`${n.path}|${f}`, v.join(' ')] as [string, string]),
    ),
  );
  const files = assoc('files', [
    ...nodes.flatMap((n) => n.fileOptions.map((f) => [`${n.path}|${f}`, '1'] as [string, string])),
    ...nodes.filter((n) => n.fileArguments).map((n) => [`${n.path}|`, '1'] as [string, string]),
  ]);
  return `#compdef quire
# zsh completion for quire. Load it with: source <(quire completion zsh)
_quire() {
${subs}
${opts}
${choices}
${files}
  local p="" word prev="\${words[CURRENT-1]}"
  for word in "\${(@)words[2,CURRENT-1]}"; do
    if [[ "$word" != -* ]] && (( \${\${(f)subs[$p]}[(I)$word:*]} )); then p="\${p:+$p }$word"; fi
  done
  if [[ -n "\${choices[$p|$prev]}" ]]; then compadd -- \${=choices[$p|$prev]}; return; fi
  if [[ -n "\${files[$p|$prev]}" ]]; then _files; return; fi
  if [[ "\${words[CURRENT]}" == -* ]]; then compadd -- \${=opts[$p]}; return; fi
  if [[ -n "\${subs[$p]}" ]]; then
    local -a described; described=("\${(@f)subs[$p]}")
    _describe 'command' described
    return
  fi
  if [[ -n "\${files[$p|]}" ]]; then _files; fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _quire "$@"; else compdef _quire quire; fi
`;
}
