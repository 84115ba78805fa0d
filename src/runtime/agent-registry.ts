import type { AgentStatus } from '../core/events.js';

export interface AgentRecord {
  /** `<name>@<nodeId>`: one row per agent per node. */
  id: string;
  name: string;
  role: string;
  nodeId: string;
  skills: string[];
  concurrency: number;
  status: AgentStatus;
  load: number;
  startedAt: number;
  heartbeatAt: number;
}

/**
 * Where nodes register their agents and beat their hearts; the API and CLI read it. A drain
 * request is a status written here: the owning node sees it on its next heartbeat and stops
 * giving that agent new tasks.
 */
export interface AgentRegistry {
  register(record: AgentRecord): Promise<void>;
  /** Updates status and load; returns the ids an operator asked to drain. */
  heartbeat(
    updates: Array<{ id: string; status: AgentStatus; load: number }>,
    now: number,
  ): Promise<string[]>;
  list(): Promise<AgentRecord[]>;
  get(id: string): Promise<AgentRecord | null>;
  requestDrain(id: string): Promise<AgentRecord | null>;
  /** Marks agents whose node stopped beating as down. */
  markStale(before: number): Promise<number>;
  markNodeDown(nodeId: string, now: number): Promise<void>;
}
