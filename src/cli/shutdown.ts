/**
 * SIGTERM and SIGINT for the CLI. The handlers go in first thing, before any module of the
 * program is loaded, so a signal that arrives while a node is still starting is seen. A
 * short command that did not claim the signals exits at once with the shell's status for it
 * (130 for SIGINT, 143 for SIGTERM), as it would without handlers; a long-running command
 * (`start`, `server`) claims them and drains instead. A second signal while draining exits at once.
 */
const STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof STATUS;

const controller = new AbortController();
let installed = false;
let claimed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(STATUS) as StopSignal[]) {
    process.on(signal, () => {
      if (!claimed || controller.signal.aborted) process.exit(STATUS[signal]);
      controller.abort(signal);
    });
  }
}

/**
 * Claims the stop signals for a long-running command: returns a signal that fires (reason: the
 * signal's name) on the first SIGTERM or SIGINT, including one that arrived during start-up.
 */
export function claimStopSignals(): AbortSignal {
  installSignalHandlers();
  claimed = true;
  return controller.signal;
}

/** Resolves when the stop signal fires (at once if it already has). */
export function stopRequested(signal: AbortSignal): Promise<string> {
  if (signal.aborted) return Promise.resolve(String(signal.reason));
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(String(signal.reason)), { once: true }),
  );
}
