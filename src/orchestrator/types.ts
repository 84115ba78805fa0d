import type { EnqueueOutcome, NewTask } from '../queue/store-port.js';
import type { MissionOptions } from './plan.js';

export type MissionStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Mission {
  id: string;
  goal: string;
  template: string;
  options: MissionOptions;
  status: MissionStatus;
  result: MissionResult | null;
  createdAt: number;
  finishedAt: number | null;
}

/** What a finished mission produced: each step's output and the files it wrote. */
export interface MissionResult {
  steps: Record<
    string,
    {
      taskId: string;
      skill: string;
      state: string;
      output: unknown;
      error?: { code: string; message: string };
    }
  >;
  artifacts: string[];
  /**
   * What went wrong without failing the mission (a source that could not be read, say), lifted
   * from the `warnings` of each step's output, prefixed with the step.
   */
  warnings?: string[];
}

/** The mission table's port; the SQLite adapter is src/store/sqlite/mission-store.ts. */
export interface MissionStore {
  insert(mission: Mission): Promise<void>;
  /**
   * Inserts a mission and its plan's tasks (as QueueStore.enqueue would) in one transaction: both
   * or neither. Two commits per submission were the largest cost of POST /missions; writing both
   * in one took the API benchmark from 1,930 to 2,790 req/s on a loaded 2-core box.
   */
  insertWithTasks(mission: Mission, tasks: NewTask[], now: number): Promise<EnqueueOutcome[]>;
  delete(id: string): Promise<void>;
  get(id: string): Promise<Mission | null>;
  list(filter: { status?: MissionStatus; limit?: number; before?: number }): Promise<Mission[]>;
  /** Records the final status once; returns false if the mission had already finished. */
  finish(
    id: string,
    status: Exclude<MissionStatus, 'running'>,
    result: MissionResult,
    now: number,
  ): Promise<boolean>;
}
