// Loads the machine and the home's write lock: `node --import tsx test/support/busy-writer.ts <db>`.
// Each round takes the write lock for ~3 ms of busy CPU, commits, then burns ~3 ms more; every
// 2 s it holds the lock for 5.5 s, past the 5 s busy timeout, as a stalled process on a loaded
// machine does, so every other writer of the home meets SQLITE_BUSY.
import Database from 'better-sqlite3';

const [path] = process.argv.slice(2);
if (!path) process.exit(2);
const db = new Database(path);
db.pragma('busy_timeout = 5000');
db.exec('CREATE TABLE IF NOT EXISTS busy_writer (id INTEGER PRIMARY KEY, at INTEGER)');
const insert = db.prepare('INSERT INTO busy_writer (at) VALUES (?)');
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const round = db.transaction((holdMs: number) => {
  insert.run(Date.now());
  spin(holdMs);
});
const LONG_HOLD_MS = 5_500;
const EVERY_MS = 2_000;
let lastLong = performance.now();
let stopped = false;
process.once('SIGTERM', () => {
  stopped = true;
});
process.stdout.write('ready\n');
const loop = () => {
  if (stopped) {
    db.close();
    process.exit(0);
  }
  const long = performance.now() - lastLong > EVERY_MS;
  round.immediate(long ? LONG_HOLD_MS : 3);
  if (long) lastLong = performance.now();
  spin(3);
  setImmediate(loop);
};
loop();
