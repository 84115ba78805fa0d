import { spawnSync } from 'node:child_process';

/**
 * The path of a program the tests drive for real, or an error naming the command that installs it:
 * a missing tool fails its tests rather than skipping them (`npm test` as root installs it first,
 * see scripts/test-prerequisites.sh).
 */
export function requireTool(program: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status === 0 && path) return path;
  throw new Error(`${program} is missing: install it with \`sudo apt-get install -y ${debianPackage}\``);
}
