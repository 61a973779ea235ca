// `kamheap completion bash|zsh` in the real shells: bash through `complete -p` and the generated
// function as bash calls it (COMP_WORDS/COMP_CWORD), zsh through a pseudo-terminal (zpty) typing
// TAB at an interactive zsh. A copy of sleep(1) named kamailio stands for a running Kamailio.
import { execa, type ResultPromise } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamheap, kamheapBin } from '../helpers/kamheap-cli.js';

let dir: string;
let fakeKamailio: ResultPromise;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kamheap-completion-'));
  copyFileSync('/bin/sleep', join(dir, 'kamailio'));
  fakeKamailio = execa(join(dir, 'kamailio'), ['600'], { reject: false });
});

afterAll(() => {
  fakeKamailio.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** What bash's completion offers for each command line (the last word is the one being completed). */
async function bashOffers(lines: string[][]): Promise<string[]> {
  const script = [
    `source <("${process.execPath}" "${kamheapBin}" completion bash)`,
    'complete -p kamheap',
    'offer() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _kamheap; echo "${COMPREPLY[*]}"; }',
    ...lines.map((words) => `offer ${words.map((w) => `'${w}'`).join(' ')}`),
  ].join('\n');
  const r = await execa('bash', ['--norc', '--noprofile', '-c', script], { cwd: dir });
  return String(r.stdout).split('\n');
}

describe('bash', () => {
  it('registers _kamheap and completes commands, options, their values, files and Kamailio PIDs', async () => {
    const pid = String(fakeKamailio.pid);
    expect(await bashOffers([['kamheap', 'w'], ['kamheap', 'walk', '--heap', ''], ['kamheap', 'walk', '--w'], ['kamheap', 'walk', '--heap', 'shm', ''], ['kamheap', 'ps', ''], ['kamheap', 'completion', ''], ['kamheap', 'parse', 'kam'], ['kamheap', 'diff', 'a.json', '--top', '5', 'kam'], ['kamheap', 'walk', '1', '--top', '']])).toEqual([
      'complete -F _kamheap kamheap',
      'walk watch',
      'pkg shm',
      '--walker',
      expect.stringMatching(new RegExp(`(^| )${pid}( |$)`)),
      expect.stringMatching(new RegExp(`(^| )${pid}( |$)`)),
      'bash zsh',
      'kamailio',
      'kamailio',
      '',
    ]);
  });

  it('offers no PID of a process that is not Kamailio', async () => {
    const [, offer] = await bashOffers([['kamheap', 'walk', '']]);
    expect(offer?.split(' ')).not.toContain(String(process.pid));
  });
});

/** What an interactive zsh lists after typing `line` and TAB, with the completion loaded. */
async function zshOffers(line: string): Promise<string> {
  const script = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PS1="%% "; autoload -U compinit; compinit -u -D; source <("${process.execPath}" "${kamheapBin}" completion zsh); print READY-$((6*7))'
out=''
for i in {1..300}; do zpty -r -t z chunk && out+=$chunk || sleep 0.1; [[ $out == *READY-42* ]] && break; done
zpty -w -n z $'${line}\\t'
sleep 1
out=''
for i in {1..50}; do zpty -r -t z chunk && out+=$chunk || { [[ -n $out ]] && break; sleep 0.1; }; done
zpty -d z
print -r -- "$out"
`;
  const r = await execa('zsh', ['-f', '-c', script], { cwd: dir, timeout: 60_000 });
  // Terminal control sequences out, the listing's words left.
  return String(r.stdout).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ' ');
}

describe('zsh', () => {
  it.each([
    ['kamheap ', ['walk', 'inspect', 'completion']],
    ['kamheap walk --heap ', ['pkg', 'shm']],
    ['kamheap walk --wa', ['--walker']],
    ['kamheap completion ', ['bash', 'zsh']],
  ])('completes %j', async (line, words) => {
    const offered = await zshOffers(line);
    for (const word of words) expect(offered).toMatch(new RegExp(`(^|\\s)${word}(\\s|$)`));
  });

  it('accepts the PID of a running Kamailio, and beeps at any other', async () => {
    // A whole candidate typed: zsh takes it and adds a space; a word that is none rings the bell.
    const kamailio = await zshOffers(`kamheap info ${fakeKamailio.pid}`);
    expect({ bell: kamailio.includes('\x07'), taken: kamailio.includes(`kamheap info ${fakeKamailio.pid} `) }).toEqual({ bell: false, taken: true });
    expect(await zshOffers(`kamheap info ${process.pid}`)).toContain('\x07');
  });
});

describe('the script', () => {
  it('is refused for another shell, as a usage error', async () => {
    const r = await kamheap(['completion', 'fish']);
    expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: 2, stdout: '' });
    expect(r.stderr).toContain("'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});
