import { hostname } from 'node:os';
import { MagnaError } from '../core/errors.js';
import { type HomeProcess, liveProcesses } from '../runtime/home-processes.js';

function describe(p: HomeProcess): string {
  return `pid ${p.pid} on ${p.host} (${p.kind}, ${p.state})`;
}

/**
 * Refuses (HOME_IN_USE) while another live process holds the home; with `stop`, sends SIGTERM to
 * those on this host and waits until each has drained and unregistered. Processes on other hosts
 * (a shared folder) cannot be signalled from here and are always refused.
 */
export async function ensureNoLiveProcess(
  home: string,
  options: { stop: boolean; timeoutMs: number },
): Promise<void> {
  const others = () => liveProcesses(home).filter((p) => !(p.pid === process.pid && p.host === hostname()));
  const holding = others();
  if (holding.length === 0) return;
  const remote = holding.filter((p) => p.host !== hostname());
  if (!options.stop || remote.length > 0) {
    throw new MagnaError(
      'HOME_IN_USE',
      `${holding.length} live ${holding.length === 1 ? 'process holds' : 'processes hold'} ${home}: ${holding.map(describe).join('; ')}. Stop ${holding.length === 1 ? 'it' : 'them'} first${remote.length === 0 ? ', or pass --stop-processes to stop them and restore once they have drained' : ''}.`,
      { details: { home, processes: holding } },
    );
  }
  for (const p of holding) process.kill(p.pid, 'SIGTERM');
  const deadline = Date.now() + options.timeoutMs;
  while (others().length > 0) {
    if (Date.now() > deadline) {
      throw new MagnaError(
        'HOME_IN_USE',
        `The processes of ${home} did not stop within ${options.timeoutMs} ms: ${others().map(describe).join('; ')}.`,
        { details: { home, processes: others() } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
