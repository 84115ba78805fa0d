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
}

/** The mission table's port; the SQLite adapter is src/store/sqlite/mission-store.ts. */
export interface MissionStore {
  insert(mission: Mission): Promise<void>;
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
