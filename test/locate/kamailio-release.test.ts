// The release a Kamailio binary names: its version string as numbers, and comparisons on them.
import { describe, expect, it } from 'vitest';
import { releaseAtLeast, releaseName, versionNumbers } from '../../src/locate/kamailio-release.js';

describe('versionNumbers', () => {
  it.each<[string | undefined, readonly [number, number, number] | undefined]>([
    ['5.6.3', [5, 6, 3]],
    ['6.0.1', [6, 0, 1]],
    ['5.8.0-dev3', [5, 8, 0]],
    ['4.4.7', [4, 4, 7]],
    ['devel', undefined],
    [undefined, undefined],
  ])('%j', (text, numbers) => {
    expect(versionNumbers(text)).toEqual(numbers);
  });
});

describe('releaseAtLeast', () => {
  it.each<[string | undefined, number, number, boolean]>([
    ['5.8.0', 5, 8, true],
    ['5.7.6', 5, 8, false],
    ['6.0.1', 5, 8, true],
    ['5.10.0', 5, 8, true],
    [undefined, 5, 8, false],
  ])('%j >= %i.%i: %j', (version, major, minor, expected) => {
    expect(releaseAtLeast({ numbers: versionNumbers(version) }, major, minor)).toBe(expected);
  });
});

it('names a release without a version string honestly', () => {
  expect(releaseName({ version: undefined })).toBe('kamailio of unknown version');
  expect(releaseName({ version: '6.0.1' })).toBe('kamailio 6.0.1');
});
