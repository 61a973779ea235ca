// The options of the text views, in one place: --by, --sort, --module, --match, --bytes, --color
// (and --top, which each command gives its own default). Added to a command with `addViewOptions`,
// checked into a TextView with `parseViewOptions`.
import type { Command } from 'commander';
import { KamheapError } from '../errors.js';
import { paint } from '../export/paint.js';
import type { TextView } from '../export/site-table.js';
import { viewGroups, viewSorts, type ViewGroup, type ViewSort } from '../snapshot/site-view.js';
import { parseCount } from './options.js';

/** The raw values commander collects for the view options. */
export interface RawViewOptions {
  by: string;
  sort: string;
  module?: string;
  match?: string;
  bytes?: boolean;
  color: string;
  top: string;
}

export const colorModes = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof colorModes)[number];

/** The width text views fit when neither COLUMNS nor a terminal says otherwise. */
export const defaultWidth = 80;
/** Narrower than this, a site table has no room for its names. */
const minWidth = 40;

/** Adds the view options to `command`; `bytes` false leaves --bytes out (inspect, where it is the size filter's old name), `by` false --by. */
export function addViewOptions(command: Command, options: { top: string; bytes?: boolean; by?: boolean }): Command {
  if (options.by !== false) command.option('--by <group>', `rows per ${viewGroups.join(', ')} (summed)`, 'site');
  command
    .option('--sort <key>', `${viewSorts.join(', ')} (bytes and count: largest first)`, 'bytes')
    .option('--module <name>', 'only the sites of this module')
    .option('--match <text>', 'only the sites whose site string contains TEXT')
    .option('--top <k>', 'rows to show', options.top);
  if (options.bytes !== false) command.option('--bytes', 'sizes as raw byte counts (default: human, e.g. 11.2 MiB)');
  return command.option('--color <when>', `${colorModes.join(', ')} (auto: on a terminal, unless NO_COLOR is set)`, 'auto');
}

/** The view options checked into a TextView; `stdout` decides colour and width for "auto". */
export function parseViewOptions(raw: RawViewOptions, stdout: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): TextView {
  const tty = stdout.isTTY === true;
  return {
    query: {
      by: oneOf(raw.by, viewGroups, '--by') satisfies ViewGroup,
      sort: oneOf(raw.sort, viewSorts, '--sort') satisfies ViewSort,
      module: nonEmpty(raw.module, '--module'),
      match: nonEmpty(raw.match, '--match'),
    },
    top: parseCount(raw.top, '--top'),
    sizes: raw.bytes === true ? 'raw' : 'human',
    paint: paint(colorOn(oneOf(raw.color, colorModes, '--color'), tty, env)),
    width: viewWidth(env['COLUMNS'], tty ? stdout.columns : undefined),
  };
}

/** The width to fit: $COLUMNS when it is a number (as shells and `ls` read it), else the terminal's, else 80; at least 40. */
export function viewWidth(columnsEnv: string | undefined, terminal: number | undefined): number {
  const fromEnv = columnsEnv !== undefined && /^[0-9]{1,5}$/.test(columnsEnv) ? Number(columnsEnv) : undefined;
  return Math.max(minWidth, fromEnv ?? terminal ?? defaultWidth);
}

/** Whether to colour: always, never, or (auto) on a terminal when NO_COLOR is unset or empty (no-color.org). */
export function colorOn(mode: ColorMode, tty: boolean, env: NodeJS.ProcessEnv): boolean {
  if (mode !== 'auto') return mode === 'always';
  return tty && (env['NO_COLOR'] ?? '') === '';
}

// One of the allowed words, or a usage error that lists them.
function oneOf<T extends string>(text: string, allowed: readonly T[], option: string): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw new KamheapError('usage', `${option} must be ${allowed.join(', ')}, not "${text}"`);
  return found;
}

// A filter's text: given, or a usage error when empty (an empty filter would select everything silently).
function nonEmpty(text: string | undefined, option: string): string | undefined {
  if (text === '') throw new KamheapError('usage', `${option} needs a non-empty text`);
  return text;
}
