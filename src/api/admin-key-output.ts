import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a generated first admin key goes: never stdout, which is often redirected into logs.
 * On a terminal it is shown on stderr with a warning; without one it is written to
 * `<home>/admin-key.txt` with mode 0600 (owner read/write only) and only that path is printed.
 */
export function deliverAdminKey(
  key: string,
  home: string,
  stderr: NodeJS.WriteStream = process.stderr,
): void {
  if (stderr.isTTY) {
    stderr.write(
      `\nCreated the first admin API key. It is shown only now and never stored in clear;\n` +
        `store it safely and keep it out of logs:\n\n  ${key}\n\n`,
    );
    return;
  }
  const path = join(home, 'admin-key.txt');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an older file keeps its mode on overwrite

  stderr.write(
    `\nCreated the first admin API key; no terminal to show it on, so it was written to ${path}\n` +
      `(mode 0600). Move it somewhere safe and delete the file.\n\n`,
  );
}
