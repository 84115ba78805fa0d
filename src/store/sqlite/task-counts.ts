import type { Statement } from 'better-sqlite3';
import type { TaskState } from '../../queue/types.js';

/**
 * Changes to the task_counts table (migration 007) gathered over one queue operation and written
 * before its transaction commits: a claim or a group commit of 64 tasks of one skill writes two
 * counter rows, not 128. Every statement that changes a task's state records its move here.
 */
export class TaskTally {
  private readonly deltas = new Map<string, { skill: string; state: TaskState; delta: number }>();

  add(skill: string, state: TaskState, delta: number): void {
    const key = `${state}\u0000${skill}`;
    const entry = this.deltas.get(key);
    if (entry) entry.delta += delta;
    else this.deltas.set(key, { skill, state, delta });
  }

  move(skill: string, from: TaskState, to: TaskState): void {
    if (from === to) return;
    this.add(skill, from, -1);
    this.add(skill, to, 1);
  }

  /** Writes the gathered changes with `bump` (skill, state, delta) inside the caller's transaction. */
  apply(bump: Statement): void {
    for (const { skill, state, delta } of this.deltas.values())
      if (delta !== 0) bump.run(skill, state, delta);
    this.deltas.clear();
  }
}
