import { checkGitDirectory, isPinnedGitRevision } from '../../../lib/k8s/operators/git-directory';

const DIR = { repoUrl: 'https://git.example.com/platform/cnai.git', path: 'dist', revision: 'platform-v1.0.0' };
const check = (dir: object) => checkGitDirectory('app', 'source', { ...DIR, ...dir });

describe('checkGitDirectory', () => {
  test('the path normalised: no leading "./", no trailing "/", surrounding spaces trimmed, "." for the root', () => {
    expect(check({})).toEqual(DIR);
    expect(check({ path: './dist/k8s/' }).path).toBe('dist/k8s');
    expect(check({ path: '././dist//' }).path).toBe('dist');
    expect(check({ path: ' dist ' }).path).toBe('dist');
    expect(check({ path: './' }).path).toBe('.');
    expect(check({ path: '.' }).path).toBe('.');
  });

  test('HTTPS, SSH and scp-like SSH URLs', () => {
    for (const repoUrl of ['https://github.com/org/repo', 'ssh://git@github.com/org/repo.git', 'git@github.com:org/repo.git']) {
      expect(check({ repoUrl }).repoUrl).toBe(repoUrl);
    }
  });

  test('revisions that cannot move: a 64-character SHA, a tag ref with slashes, a version with build metadata', () => {
    for (const revision of ['a'.repeat(64), 'refs/tags/team/prod-1', 'v2.0.0+build.5']) expect(isPinnedGitRevision(revision)).toBe(true);
    expect(isPinnedGitRevision(undefined as unknown as string)).toBe(false);
  });

  test('a git:// URL (exact message)', () => {
    expect(() => check({ repoUrl: 'git://git.example.com/platform/cnai.git' })).toThrow(
      'app: invalid source.repoUrl = "git://git.example.com/platform/cnai.git": not an HTTPS or SSH git URL (plain http, git:// and file URLs are neither authenticated nor encrypted). '
      + 'Fix: use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git.');
    expect(() => check({ repoUrl: 'file:///srv/git/cnai' })).toThrow(/invalid source.repoUrl = "file:\/\/\/srv\/git\/cnai"/);
  });

  test('a short SHA (exact message)', () => {
    expect(() => check({ revision: 'abc1234' })).toThrow(
      'app: invalid source.revision = "abc1234": not an exact revision (a branch, HEAD or a short SHA changes under the platform). '
      + 'Fix: give a version tag such as "platform-v1.0.0", "refs/tags/<tag>", or the full 40-character commit SHA.');
  });

  test('an empty path (exact message)', () => {
    expect(() => check({ path: '' })).toThrow(
      'app: invalid source.path = "": empty. Fix: give the folder of the manifests relative to the repository root, or "." for the root.');
  });

  test('the root as an absolute path: the fix suggests "." (exact message)', () => {
    expect(() => check({ path: '/' })).toThrow(
      'app: invalid source.path = "/": an absolute path (Argo CD reads paths relative to the repository root). Fix: write it relative to the repository root, e.g. ".".');
  });

  test('".." at the start (exact message)', () => {
    expect(() => check({ path: '../other' })).toThrow(
      'app: invalid source.path = "../other": leaves the repository (".."). Fix: give the folder relative to the repository root, without "..".');
  });
});
