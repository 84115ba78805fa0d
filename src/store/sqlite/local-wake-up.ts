import { type FSWatcher, mkdirSync, readdirSync, unlinkSync, watch } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { newId } from '../../core/ids.js';
import type { WakeUp } from '../../queue/wake-up.js';

/** Unix socket paths are limited to 107 bytes on Linux (104 on macOS); longer homes fall back to polling. */
const MAX_SOCKET_PATH = 100;
/** Peers are found by watching the folder; a rescan this often catches a missed watch event. */
const RESCAN_MS = 2_000;

/**
 * Wake-ups between processes sharing one SQLite home, through Unix sockets in `<home>/wake/`:
 * each process listens on its own socket and keeps a connection to every other's, so a wake-up
 * is one write per peer (bench/wake-up.ts: submit-to-start p50 1.3 ms from another process against
 * 0.9 ms within one, on a loaded 2-core machine),
 * instead of waiting for the next 50 ms poll. Within one tick, notifications are merged into one
 * line of JSON (the skill list). A socket whose process died refuses connections and is removed.
 */
export class LocalWakeUp implements WakeUp {
  private readonly listeners = new Set<(skills: readonly string[]) => void>();
  private readonly peers = new Map<string, Socket>();
  /** Connections peers made to us; server.close() waits for them, so close() ends them. */
  private readonly accepted = new Set<Socket>();
  private pending: Set<string> | null = null;
  private closed = false;
  private watcher: FSWatcher | undefined;
  private rescan: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly path: string,
    private readonly server: Server,
  ) {}

  /** Opens the channel, or returns undefined where Unix sockets cannot be used (path too long, Windows). */
  static async open(home: string): Promise<LocalWakeUp | undefined> {
    if (process.platform === 'win32') return undefined;
    const dir = join(home, 'wake');
    const path = join(dir, `${process.pid}-${newId().slice(-8)}.sock`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return undefined;
    mkdirSync(dir, { recursive: true });
    const server = createServer();
    const channel = new LocalWakeUp(dir, path, server);
    server.on('connection', (socket) => channel.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    channel.scan();
    try {
      channel.watcher = watch(dir, () => channel.scan());
      channel.watcher.unref();
      channel.watcher.on('error', () => {});
    } catch {
      // No inotify (some container file systems): the rescan below still finds peers.
    }
    channel.rescan = setInterval(() => channel.scan(), RESCAN_MS);
    channel.rescan.unref();
    return channel;
  }

  notify(skills: readonly string[]): void {
    if (this.closed || this.peers.size === 0) return;
    if (this.pending === null) {
      this.pending = new Set();
      setImmediate(() => this.flush());
    }
    for (const skill of skills) this.pending.add(skill);
  }

  subscribe(listener: (skills: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.rescan) clearInterval(this.rescan);
    for (const socket of this.peers.values()) socket.destroy();
    this.peers.clear();
    for (const socket of this.accepted) socket.destroy();
    this.accepted.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    const skills = [...(this.pending ?? [])];
    this.pending = null;
    const line = `${JSON.stringify(skills)}\n`;
    for (const socket of this.peers.values()) if (socket.writable) socket.write(line);
  }

  /** A peer connected to us: each line it writes is one wake-up. */
  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.accepted.add(socket);
    socket.on('close', () => this.accepted.delete(socket));
    socket.unref();
    socket.setEncoding('utf8');
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.deliver(line);
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > 65_536) socket.destroy(); // not a peer of ours
    });
    socket.on('error', () => socket.destroy());
  }

  private deliver(line: string): void {
    let skills: unknown;
    try {
      skills = JSON.parse(line);
    } catch {
      return;
    }
    if (!Array.isArray(skills) || !skills.every((s) => typeof s === 'string')) return;
    for (const listener of this.listeners) {
      try {
        listener(skills);
      } catch (error) {
        process.emitWarning(
          `wake-up listener threw: ${(error as Error)?.stack ?? String(error)}`,
          'MagnaWakeUp',
        );
      }
    }
  }

  /** Connects to every peer socket in the folder not connected yet. */
  private scan(): void {
    if (this.closed) return;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith('.sock')) continue;
      const path = join(this.dir, name);
      if (path === this.path || this.peers.has(path)) continue;
      this.connect(path);
    }
  }

  private connect(path: string): void {
    const socket = createConnection(path);
    socket.unref();
    this.peers.set(path, socket);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Nobody listens: its process died without removing the file.
      if (error.code === 'ECONNREFUSED') {
        try {
          unlinkSync(path);
        } catch {
          // removed meanwhile
        }
      }
    });
    socket.on('close', () => {
      if (this.peers.get(path) === socket) this.peers.delete(path);
    });
  }
}
