// The Dockerfiles of docker/ lint clean offline (dockerfile-utils, the linter of VS Code's Docker
// language server), and the kamheap image copies every folder its TypeScript build compiles, none
// of which .dockerignore leaves out of the build context.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';

const dockerDir = join(repoRoot, 'docker');
const dockerfiles = readdirSync(dockerDir).filter((name) => name.startsWith('Dockerfile'));

/** The linter's findings as "line N: message" (1-based), empty when clean. */
function lint(text: string): string[] {
  return validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

describe('docker/Dockerfile*', () => {
  it('are the kamheap image and the Kamailio image', () => {
    expect(dockerfiles.sort()).toEqual(['Dockerfile', 'Dockerfile.kamailio']);
  });

  it.each(dockerfiles)('%s lints clean', (name) => {
    expect(lint(readFileSync(join(dockerDir, name), 'utf8'))).toEqual([]);
  });

  it('the linter finds a misspelt instruction and a second ENTRYPOINT in docker/Dockerfile', () => {
    const text = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    const broken = text.replace(/^RUN /m, 'RUNN ').replace(/^ENTRYPOINT .*$/m, (line) => `${line}\n${line}`);
    const findings = lint(broken);
    expect(findings.some((f) => f.includes('Unknown instruction: RUNN'))).toBe(true);
    expect(findings.some((f) => f.includes('only be one ENTRYPOINT'))).toBe(true);
  });

  it('docker/Dockerfile copies every folder tsconfig.build.json compiles, and .dockerignore lets them through', () => {
    const build = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    const copied = [...readFileSync(join(dockerDir, 'Dockerfile'), 'utf8').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
    const allowed = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1));
    for (const folder of build.include) {
      expect({ folder, copied: copied.includes(folder), allowed: allowed.includes(folder) }).toEqual({ folder, copied: true, allowed: true });
    }
    for (const file of copied) expect({ file, allowed: allowed.includes(file) }).toEqual({ file, allowed: true });
  });
});
