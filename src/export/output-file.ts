// Output files (--json FILE, --out DIR) as root can write them safely. kamheap runs as root; an
// output path in a directory someone else can write (/tmp) may hold a symbolic link planted there
// (out.json -> /etc/passwd). So a file is never opened by its name: the text goes into a new temp
// file beside it (O_CREAT|O_EXCL|O_NOFOLLOW: nothing that existed is opened), which is then renamed
// over the name. rename() replaces a symlink itself, never what it points to, and a reader sees the
// old file or the whole new one, never half of it. A path that cannot be written is found by
// `checkOutputFile` before anything is attached, not after the target was stopped and walked.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { unlinkSync } from 'node:fs';
import { lstat, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';

/** What an output holds: text or bytes, whole or in pieces. */
export type OutputContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** The content as pieces, a whole text or buffer as one. */
export function contentPieces(content: OutputContent): Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> {
  return typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
}

// Creates a file that did not exist, refusing to follow a symlink in its place.
const createNew = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

// Temp files that exist (or are about to) until renamed or removed. A signal outside a run ends
// kamheap at once with process.exit (signal-capture.ts), which can fall between their creation
// and their removal: 'exit' listeners still run then, and remove them.
const pendingTemps = new Set<string>();
let exitHookInstalled = false;

function trackTemp(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const temp of pendingTemps) {
        try {
          unlinkSync(temp);
        } catch {
          // never created, or already gone
        }
      }
    });
  }
  pendingTemps.add(path);
}

/** Checks, before any work, that `path` can be written; undefined and "-" (stdout) pass. */
export async function checkOutputFile(path: string | undefined): Promise<void> {
  if (path === undefined || path === '-') return;
  await checkTarget(path);
  await probeDirectory(dirname(path), path);
}

/** Writes `content` to `path` through a temp file renamed over it; any failure is one bad-input line. */
export async function writeOutputFile(path: string, content: OutputContent): Promise<void> {
  await checkTarget(path);
  const temp = join(dirname(path), tempName());
  let handle: FileHandle | undefined;
  let created = false;
  trackTemp(temp);
  try {
    // 0644 less the umask, like any file the user's shell creates.
    handle = await open(temp, createNew, 0o644);
    created = true;
    // writeFile on a handle writes on from where the last write ended, all of the chunk.
    for await (const chunk of contentPieces(content)) await handle.writeFile(chunk);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    pendingTemps.delete(temp);
  } catch (error) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (created) await unlink(temp).catch(() => undefined);
    pendingTemps.delete(temp);
    throw cannotWrite(path, errnoReason(error), error);
  }
}

/** Makes `dir` ready for output files: created if missing, refused if it is a symlink or not writable. */
export async function prepareOutputDir(dir: string): Promise<void> {
  // "link/" would make lstat follow the link: look at the name itself.
  const name = /^\/+$/.test(dir) ? '/' : dir.replace(/\/+$/, '');
  if (name === '') throw new KamheapError('bad-input', 'cannot write into "": an empty directory name');
  let info = await lstatOrUndefined(name, dir);
  if (info === undefined) {
    try {
      await mkdir(name, { recursive: true });
    } catch (error) {
      throw new KamheapError('bad-input', `cannot create ${dir}: ${errnoReason(error)}`, { cause: error });
    }
    info = await lstatOrUndefined(name, dir);
  }
  if (info?.isSymbolicLink()) throw new KamheapError('bad-input', `refusing to write into ${dir}: it is a symbolic link; give the real directory`);
  if (!info?.isDirectory()) throw new KamheapError('bad-input', `cannot write into ${dir}: not a directory`);
  await probeDirectory(name, dir);
}

// The target may be missing, a regular file, or a symlink (replaced, never followed). A directory,
// a device or a FIFO is refused, as is a link to one: `--json /dev/stdout` would otherwise replace
// /dev/stdout itself with a regular file.
async function checkTarget(path: string): Promise<void> {
  if (path === '') throw cannotWrite('""', 'an empty file name');
  const info = await lstatOrUndefined(path, path);
  if (info === undefined || info.isFile()) return;
  if (info.isDirectory()) throw cannotWrite(path, 'it is a directory');
  if (!info.isSymbolicLink()) throw cannotWrite(path, 'not a regular file (for standard output, give -)');
  // Looking where the link points is harmless: nothing is ever written through it.
  const pointee = await stat(path).catch(() => undefined);
  if (pointee !== undefined && !pointee.isFile()) {
    throw cannotWrite(path, 'it is a symbolic link to something other than a regular file (for standard output, give -)');
  }
}

// Proves `dir` takes new files the way writeOutputFile makes them: create a temp file, remove it.
async function probeDirectory(dir: string, shown: string): Promise<void> {
  const probe = join(dir, tempName());
  trackTemp(probe);
  try {
    const handle = await open(probe, createNew, 0o600);
    await handle.close();
  } catch (error) {
    pendingTemps.delete(probe);
    throw cannotWrite(shown, errnoReason(error), error);
  }
  await unlink(probe).catch(() => undefined);
  pendingTemps.delete(probe);
}

// lstat, with a missing path as undefined and any other failure as a bad-input line.
async function lstatOrUndefined(path: string, shown: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw cannotWrite(shown, errnoReason(error), error);
  }
}

// `.kamheap-<random>.tmp`: hidden, and never the name of a file kamheap is asked to write.
function tempName(): string {
  return `.kamheap-${randomBytes(8).toString('hex')}.tmp`;
}

function cannotWrite(path: string, reason: string, cause?: unknown): KamheapError {
  return new KamheapError('bad-input', `cannot write ${path}: ${reason}`, cause === undefined ? {} : { cause });
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}
