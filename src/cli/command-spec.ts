// What the shell completions and the man page need to know of the CLI, read off the commander
// program itself (commands, arguments, options, what each option's value is), so that neither
// can drift from the commands as they are wired.
import type { Command, Option } from 'commander';
import { outputFormats } from '../export/write-data.js';
import type { HeapKind, WalkerName } from '../heap/heap-nouns.js';
import { heapRootSymbols } from '../locate/heap-roots.js';

/** What a value is completed with: fixed words, running Kamailio PIDs, file or directory names, or nothing. */
export type ValueKind = { words: readonly string[] } | 'pid' | 'file' | 'dir' | 'none';

export interface OptionSpec {
  /** As written in the help, e.g. "-V, --version" or "--heap <kind>". */
  flags: string;
  long: string | undefined;
  short: string | undefined;
  description: string;
  defaultValue: string | undefined;
  /** undefined: a flag that takes no value. */
  value: ValueKind | undefined;
}

export interface ArgumentSpec {
  name: string;
  required: boolean;
  description: string;
  value: ValueKind;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** commander's usage line without the name, e.g. "[options] <pid>". */
  usage: string;
  arguments: ArgumentSpec[];
  options: OptionSpec[];
}

export interface ProgramSpec {
  name: string;
  description: string;
  version: string;
  options: OptionSpec[];
  commands: CommandSpec[];
}

/**
 * Values of the options that validate their text themselves instead of declaring commander
 * choices; an option with choices (`new Option(...).choices([...])`) brings its own.
 */
const knownValues: Record<string, readonly string[]> = {
  '--heap': ['pkg', 'shm'] satisfies HeapKind[],
  '--walker': ['bulk', 'script'] satisfies WalkerName[],
  // Every format; each command's help names the ones it takes (an other is a one-line usage error).
  '--format': outputFormats,
  '--heap-symbol': heapRootSymbols.map((e) => e.symbol),
};

/** The program's commands (hidden ones left out), arguments and options. */
export function programSpec(program: Command): ProgramSpec {
  const help = program.createHelp();
  return {
    name: program.name(),
    description: program.description(),
    version: program.version() ?? '',
    options: help.visibleOptions(program).map(optionSpec),
    commands: help.visibleCommands(program).filter((c) => c.name() !== 'help').map((command) => ({
      name: command.name(),
      description: command.description(),
      usage: command.usage(),
      arguments: help.visibleArguments(command).map((a) => ({
        name: a.name(),
        required: a.required,
        description: a.description,
        value: a.argChoices ? { words: a.argChoices } : valueKind(a.name()),
      })),
      options: help.visibleOptions(command).map(optionSpec),
    })),
  };
}

/** One option as the completions and the man page use it. */
function optionSpec(option: Option): OptionSpec {
  const takesValue = option.required || option.optional;
  const placeholder = /[<[]([\w-]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  const choices = option.argChoices ?? (option.long === undefined ? undefined : knownValues[option.long]);
  return {
    flags: option.flags,
    long: option.long,
    short: option.short,
    description: option.description,
    defaultValue: option.defaultValue === undefined ? undefined : String(option.defaultValue),
    value: takesValue ? (choices ? { words: choices } : valueKind(placeholder)) : undefined,
  };
}

/** What a placeholder or argument name stands for: `<pid>` a running Kamailio, `<file>` a file, ... */
function valueKind(name: string): ValueKind {
  if (name === 'pid') return 'pid';
  if (name === 'dir') return 'dir';
  if (['file', 'path', 'before', 'after'].includes(name)) return 'file';
  return 'none';
}
