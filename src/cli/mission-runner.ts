import { MagnaError } from '../core/errors.js';
import type { MissionView } from '../orchestrator/missions.js';
import type { MissionOptions } from '../orchestrator/plan.js';
import type { System } from '../runtime/system.js';
import { type GlobalOptions, output } from './io.js';
import { ProgressView } from './progress.js';

export interface MissionSummary {
  missionId: string;
  goal: string;
  status: string;
  tasks: Array<{ id: string; step: string; skill: string; state: string; attempt: number; error: unknown }>;
  artifacts: string[];
  /** Problems that did not fail the mission (sources not collected, with their reasons). */
  warnings: string[];
  results: Record<string, unknown>;
}

/**
 * Submits a mission, runs it on an in-process node while showing progress (on stderr, so
 * `--json` output on stdout stays clean), prints the summary and sets the exit status.
 */
export async function runMission(
  system: System,
  goal: string,
  missionOptions: MissionOptions,
  opts: GlobalOptions & { timeoutMs?: number },
): Promise<MissionSummary> {
  const mission = await system.missions.create(goal, missionOptions);
  const node = system.createNode();
  await node.start();
  let view: MissionView;
  try {
    view = await follow(
      system,
      mission.id,
      opts.json ? null : new ProgressView(process.stderr),
      opts.timeoutMs,
    );
  } finally {
    await node.stop();
  }
  const results = await system.missions.results(mission.id);
  const summary: MissionSummary = {
    missionId: view.id,
    goal: view.goal,
    status: view.status,
    tasks: view.tasks.map((t) => ({
      id: t.id,
      step: t.step,
      skill: t.skill,
      state: t.state,
      attempt: t.attempt,
      error: t.lastError,
    })),
    artifacts: results.artifacts,
    warnings: results.warnings ?? [],
    results: Object.fromEntries(Object.entries(results.steps).map(([k, v]) => [k, v.output])),
  };
  output(opts, summary, () => describe(summary));
  if (view.status === 'running')
    throw new MagnaError('TIMEOUT', `Stopped waiting for mission ${view.id}; it is still running.`);
  if (view.status !== 'succeeded') process.exitCode = new MagnaError('MISSION_FAILED', '').exitCode;
  return summary;
}

async function follow(
  system: System,
  missionId: string,
  view: ProgressView | null,
  timeoutMs?: number,
): Promise<MissionView> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  // Local events redraw at once; the poll catches work done by other processes.
  let changed: (() => void) | null = null;
  const off = system.events.onAny((event) => {
    if ('missionId' in event.data && event.data.missionId === missionId) changed?.();
  });
  try {
    while (true) {
      const current = await system.missions.get(missionId);
      view?.update(current);
      if (current.status !== 'running' || Date.now() > deadline) return current;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        changed = () => {
          clearTimeout(timer);
          changed = null;
          setTimeout(resolve, 30);
        };
      });
    }
  } finally {
    off();
  }
}

function describe(summary: MissionSummary): string {
  const succeeded = summary.tasks.filter((t) => t.state === 'succeeded').length;
  const warned =
    summary.warnings.length > 0
      ? ` with ${summary.warnings.length} ${summary.warnings.length === 1 ? 'warning' : 'warnings'}`
      : '';
  const lines = [
    `mission ${summary.missionId} ${summary.status}${warned} (${succeeded}/${summary.tasks.length} tasks succeeded)`,
  ];
  for (const task of summary.tasks) {
    if (task.state !== 'succeeded' && task.error) {
      const error = task.error as { code: string; message: string };
      lines.push(`  ${task.step} ${task.state}: ${error.code} ${error.message}`);
    }
  }
  if (summary.warnings.length > 0) {
    lines.push('warnings:');
    for (const warning of summary.warnings) lines.push(`  ${warning}`);
  }
  if (summary.artifacts.length > 0) {
    lines.push('results:');
    for (const path of summary.artifacts) lines.push(`  ${path}`);
    const html = summary.artifacts.find((path) => path.endsWith('.html'));
    if (html) lines.push('', `open the report in a browser: file://${html}`);
  }
  return lines.join('\n');
}
