// `kamheap completion bash|zsh`: a completion script generated from the program as it is wired;
// and the hidden `kamheap man`, the man page from the same spec (what `npm run man` writes).
import { Argument, Command } from 'commander';
import { KamheapError } from '../errors.js';
import { programSpec } from './command-spec.js';
import { bashCompletion, zshCompletion } from './completion-scripts.js';
import { manPage } from './man-page.js';

/** The shells a script is generated for. */
const shells = { bash: bashCompletion, zsh: zshCompletion } as const;

/** Builds the completion command. */
export function completionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script: source <(kamheap completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(Object.keys(shells)))
    .action((shell: string, _raw: unknown, command: Command) => {
      const generate = shells[shell as keyof typeof shells];
      process.stdout.write(generate(programSpec(programOf(command))));
    });
}

/** Builds the hidden command that prints the man page (roff). */
export function manCommand(): Command {
  return new Command('man').description('print the man page (roff)').action((_raw: unknown, command: Command) => {
    process.stdout.write(manPage(programSpec(programOf(command))));
  });
}

/** The program a command was added to. */
function programOf(command: Command): Command {
  if (!command.parent) throw new KamheapError('usage', `${command.name()} runs as a kamheap command`);
  return command.parent;
}
