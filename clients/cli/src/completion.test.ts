import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bashScript, completionTree, zshScript } from './completion.js';
import { buildProgram } from './program.js';

/** What bash offers after `words` (the last one being completed), with the script loaded. */
function bashComplete(words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'quire-completion-'));
  const script = join(dir, 'quire.bash');
  writeFileSync(script, bashScript(buildProgram()));
  const line = ['quire', ...words];
  const program = `source ${script}; COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _quire; printf '%s\\n' "\${COMPREPLY[@]}"`;
  try {
    return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shell completion', () => {
  it('is generated from the command tree, so every command and subcommand is in it', () => {
    const paths = completionTree(buildProgram()).map((n) => n.path);
    for (const command of [
      'status',
      'wait',
      'diff',
      'pause',
      'resume',
      'certs',
      'events',
      'login',
      'logout',
      'docs',
      'docs upload',
      'docs rm',
      'search',
      'export',
      'completion',
    ]) {
      expect(paths).toContain(command);
    }
    expect(zshScript(buildProgram())).toContain("'docs' 'upload:Upload a file as a new document");
  });

  it('completes commands, subcommands, options and option choices in bash', () => {
    expect(bashComplete(['st'])).toEqual(['status']);
    expect(bashComplete(['docs', ''])).toEqual([
      'upload',
      'list',
      'get',
      'download',
      'share',
      'rm',
      'restore',
      'trash',
    ]);
    expect(bashComplete(['export', 'l'])).toEqual(['list']);
    expect(bashComplete(['status', '--n'])).toEqual(['--namespace']);
    expect(bashComplete(['status', '-o', ''])).toEqual(['table', 'json', 'yaml']);
    expect(bashComplete(['wait', '-n', 'prod', '--ti'])).toEqual(['--timeout']);
  });
});
