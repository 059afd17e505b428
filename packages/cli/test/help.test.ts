import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_BIN, runCli } from './cli-process.ts';

/** Names listed in one section of a help text ("Resources:", "Commands:"). */
function section(help: string, title: string): string[] {
  const start = help.indexOf(`${title}:\n`);
  if (start < 0) return [];
  const lines = help.slice(start + title.length + 2).split('\n');
  const names: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('  ')) break;
    const match = line.match(/^ {2}(\S+)/);
    if (match) names.push(match[1]);
  }
  return names;
}

/** Help, version, unknown commands and shell completion (CLI.md §1). No server needed. */
describe('boltz-api help, version and completion', () => {
  it('--version and -v print `boltz-api version <x.y.z>`', async () => {
    const [long, short] = await Promise.all([runCli(['--version']), runCli(['-v'])]);
    for (const result of [long, short]) {
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^boltz-api version \d+\.\d+\.\d+\n$/);
    }
  });

  it('--help works at every level and lists every command with its flags', async () => {
    const root = await runCli(['--help']);
    assert.equal(root.code, 0);
    assert.equal((await runCli([])).stdout, root.stdout, 'no arguments: the same help');
    const resources = section(root.stdout, 'Resources');
    const commands = section(root.stdout, 'Commands');
    assert.deepEqual(resources, [
      'predictions:structure-and-binding',
      'predictions:adme',
      'protein:design',
      'protein:library-screen',
      'protein:sequence-redesign',
      'small-molecule:design',
      'small-molecule:library-screen',
      'small-molecule:explore',
      'admin:workspaces', 'admin:api-keys', 'admin:usage', 'auth', 'cli', 'config']);
    assert.deepEqual(commands, ['download-results', 'download-status']);

    const leaves: string[][] = commands.map((command) => [command]);
    for (const resource of resources) {
      const help = await runCli([resource, '--help']);
      assert.equal(help.code, 0, resource);
      assert.match(help.stdout, new RegExp(`^Usage:\n {2}boltz-api ${resource} <command> \\[flags\\]$`, 'm'));
      for (const sub of section(help.stdout, 'Commands')) leaves.push([resource, sub]);
    }
    assert.ok(leaves.length >= 30, `${leaves.length} commands`);
    for (let i = 0; i < leaves.length; i += 4) {
      const batch = leaves.slice(i, i + 4);
      const results = await Promise.all(batch.map((words) => runCli([...words, '--help'])));
      results.forEach((result, j) => {
        const words = batch[j].join(' ');
        assert.equal(result.code, 0, words);
        assert.equal(result.stderr, '', words);
        assert.match(result.stdout, new RegExp(`^boltz-api ${words} — \\S`), words);
        assert.match(result.stdout, new RegExp(`^Usage:\n {2}boltz-api ${words} \\[flags\\]`, 'm'), words);
        assert.match(result.stdout, /^Global flags/m, words);
      });
    }
    const create = await runCli(['admin:api-keys', 'create', '-h']);
    assert.match(create.stdout, /^ {2}--allowed-ip IP {2,}only accept requests/m);
    assert.match(create.stdout.replace(/\s+/g, ' '), /only accept requests from this IP address \(default: any\) \(repeatable\)/);
    assert.match(create.stdout, /^ {2}--name NAME\s+a name to recognise the key by \(required\)$/m);

    // Pipelines (CLI.md §1.1): --input, one --input.<field> and one --<field> per body field.
    const design = await runCli(['protein:design', 'start', '--help']);
    for (const flag of ['--input OBJECT', '--input.num-proteins N', '--input.binder-specification OBJECT', '--num-proteins N', '--target OBJECT', '--binder-specification OBJECT', '--template OBJECT', '--idempotency-key KEY', '--workspace-id ID']) {
      assert.match(design.stdout, new RegExp(`^ {2}${flag.replace(/[.]/g, '\\.')}\\b`, 'm'), flag);
    }
    const explore = await runCli(['small-molecule:explore', '--help']);
    assert.deepEqual(section(explore.stdout, 'Commands'), ['start', 'run', 'retrieve', 'list-results', 'stop', 'resume']);
    const run = await runCli(['small-molecule:library-screen', 'run', '--help']);
    for (const flag of ['--molecule OBJECT', '--molecule-filters OBJECT', '--name NAME', '--root-dir DIR', '--download-mode MODE', '--workers, --num-workers N']) {
      assert.ok(run.stdout.includes(`  ${flag}`), flag);
    }
  });

  it('unknown commands get a "did you mean" hint and exit 1', async () => {
    const [top, sub, flag] = await Promise.all([runCli(['admin:workspace', 'list']), runCli(['predictions:adme', 'strat']), runCli(['--nope'])]);
    assert.equal(top.code, 1);
    assert.equal(top.stdout, '');
    assert.equal(top.stderr, `Incorrect Usage: unknown command "admin:workspace" for "boltz-api"\nDid you mean "admin:workspaces"?\nRun 'boltz-api --help' for usage information.\n`);
    assert.equal(sub.code, 1);
    assert.match(sub.stderr, /unknown command "strat" for "boltz-api predictions:adme"\nDid you mean "start"\?/);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /^Incorrect Usage: flag provided but not defined: --nope/);
  });

  it('@completion bash|zsh print scripts that parse; __complete offers resources, commands and flags', async () => {
    const [bash, zsh, fish, top, resource, command, flags] = await Promise.all([
      runCli(['@completion', 'bash']),
      runCli(['@completion', 'zsh']),
      runCli(['@completion', 'fish']),
      runCli(['__complete', 'admin:']),
      runCli(['__complete', 'predictions:adme', 'est']),
      runCli(['__complete', 'admin:workspaces', '']),
      runCli(['__complete', 'admin:workspaces', 'create', '--data']),
    ]);
    assert.equal(bash.code, 0);
    const bashCheck = spawnSync('bash', ['-n'], { input: bash.stdout });
    assert.equal(bashCheck.status, 0, bashCheck.stderr.toString());
    assert.equal(zsh.code, 0);
    assert.match(zsh.stdout, /^#compdef boltz-api$/m);
    const zshCheck = spawnSync('zsh', ['-n'], { input: zsh.stdout });
    if (!zshCheck.error) assert.equal(zshCheck.status, 0, zshCheck.stderr.toString());
    assert.equal(fish.code, 1);
    assert.equal(top.stdout, 'admin:workspaces\nadmin:api-keys\nadmin:usage\n');
    assert.equal(resource.stdout, 'estimate-cost\n');
    assert.deepEqual(command.stdout.trim().split('\n'), ['create', 'list', 'retrieve', 'update', 'archive', 'retrieve-spending-limit', 'set-spending-limit']);
    assert.equal(flags.stdout, '--data-retention\n');
  });

  it('the bash script completes through the real executable, colons included', () => {
    const bin = mkdtempSync(join(tmpdir(), 'boltz-cli-bin-'));
    writeFileSync(join(bin, 'boltz-api'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`, { mode: 0o755 });
    const script = spawnSync(process.execPath, [CLI_BIN, '@completion', 'bash']).stdout.toString();
    const complete = (line: string) => {
      const program = `${script}\nCOMP_LINE='${line}'; COMP_POINT=${line.length}; COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'\n_boltz_api_complete\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
      const result = spawnSync('bash', ['-c', program], { env: { ...process.env, PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}` } });
      assert.equal(result.status, 0, result.stderr.toString());
      return result.stdout.toString().trim().split('\n');
    };
    assert.deepEqual(complete('boltz-api admin:wo'), ['workspaces'], 'bash replaces only the part after the colon');
    assert.deepEqual(complete('boltz-api admin:workspaces arc'), ['archive']);
    assert.ok(complete('boltz-api ').includes('predictions:structure-and-binding'));
  });
});
