import type { MissionView } from '../orchestrator/missions.js';

const SYMBOLS: Record<string, string> = {
  waiting: '·',
  queued: '○',
  running: '◐',
  succeeded: '✔',
  dead: '✖',
  cancelled: '⊘',
};

/**
 * Live mission progress. In a terminal it redraws a task list and a progress bar in place;
 * otherwise (CI, pipes) it prints one plain line per task state change.
 */
export class ProgressView {
  private drawnLines = 0;
  private readonly lastStates = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty = out.isTTY === true,
  ) {}

  update(view: MissionView): void {
    if (this.tty) this.redraw(view);
    else this.printChanges(view);
  }

  private redraw(view: MissionView): void {
    const width = 30;
    const { total, finished } = view.progress;
    const filled = total === 0 ? 0 : Math.round((finished / total) * width);
    const lines = [
      `mission ${view.id}  ${view.status}`,
      `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${finished}/${total} tasks`,
      ...view.tasks.map((t) => {
        const pct = t.state === 'running' && t.progress !== null ? ` ${Math.round(t.progress * 100)}%` : '';
        const note =
          t.state === 'running' && t.progressMessage
            ? `  ${t.progressMessage}`
            : t.lastError && t.state !== 'succeeded'
              ? `  ${t.lastError.message}`
              : '';
        return `  ${SYMBOLS[t.state] ?? '?'} ${t.step.padEnd(14)} ${t.skill.padEnd(22)} ${t.state}${pct}${note}`.slice(
          0,
          (this.out.columns ?? 120) - 1,
        );
      }),
    ];
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private printChanges(view: MissionView): void {
    for (const task of view.tasks) {
      if (this.lastStates.get(task.id) === task.state) continue;
      this.lastStates.set(task.id, task.state);
      const error =
        task.lastError && task.state !== 'succeeded' && task.state !== 'running'
          ? ` (${task.lastError.code}: ${task.lastError.message})`
          : '';
      this.out.write(`${new Date().toISOString()} ${task.step} ${task.skill} ${task.state}${error}\n`);
    }
  }
}
