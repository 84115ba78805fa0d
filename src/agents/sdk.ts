import type { z } from 'zod';
import type { Envelope, Performative } from '../bus/envelope.js';
import type { MagnaConfig } from '../core/config.js';
import { MagnaError } from '../core/errors.js';
import type { EventMap, EventName } from '../core/events.js';
import type { Principal } from '../core/principal.js';
import type { Logger } from '../observability/logger.js';
import type { TaskSpec } from '../queue/types.js';
import type { ArtifactStore } from './artifacts.js';
import type { AgentServices } from './services.js';

/** What an agent may do on the message bus from inside a handler. */
export interface AgentMessaging {
  send(
    receiver: string,
    performative: Performative,
    body: unknown,
    options?: { priority?: number; conversationId?: string; durable?: boolean },
  ): Promise<Envelope>;
  request(
    receiver: string,
    body: unknown,
    options?: { timeoutMs?: number; priority?: number },
  ): Promise<Envelope>;
  publish(topic: string, body: unknown, options?: { performative?: Performative }): Promise<Envelope>;
}

/** Everything a skill handler gets besides its input. */
export interface SkillContext {
  /** Aborted when the task is cancelled, times out, or the node shuts down past its grace period. */
  signal: AbortSignal;
  logger: Logger;
  task: { id: string; attempt: number; missionId: string | null; skill: string };
  /** Outputs of the tasks this one depends on, keyed by plan step key (or task id outside a plan). */
  upstream: Record<string, unknown>;
  agent: { name: string; role: string };
  /**
   * Who the skill acts for: the task's submitter when one was recorded (an API key, a user),
   * else the agent itself. Services such as the knowledge base enforce access with it.
   */
  principal: Principal;
  config: Readonly<MagnaConfig>;
  artifacts: ArtifactStore;
  services: AgentServices;
  bus: AgentMessaging;
  /** Reports progress 0..1; shown live by the CLI and the dashboard. */
  progress(fraction: number, message?: string): Promise<void>;
  /**
   * Enqueues a sub-task as a child of this task. Children are committed in the same transaction
   * that records this task's success, so a retried task never creates them twice. Returns the id.
   */
  enqueue(spec: TaskSpec): string;
  /** Records an effect once per key, atomically with this task's success (transactional outbox). */
  effect(kind: string, key: string, payload: unknown): void;
  /** Emits a typed event on the system's event stream (logs, metrics, dashboard, Monitoring agent). */
  emit<K extends EventName>(type: K, data: EventMap[K]): void;
  /** Writes a mission artifact and returns its path. */
  writeArtifact(name: string, content: string | Uint8Array): Promise<string>;
}

export interface SkillDefinition<I = unknown, O = unknown> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  handler(input: I, ctx: SkillContext): Promise<O>;
}

export interface MessageContext {
  logger: Logger;
  agent: { name: string; role: string };
  services: AgentServices;
  bus: AgentMessaging;
}

export interface AgentDefinition {
  name: string;
  role: string;
  description: string;
  /** Most tasks this agent runs at once (default 4). */
  concurrency: number;
  skills: SkillDefinition[];
  /** Handles a message sent to this agent or its role; a returned value is sent back as the reply. */
  onMessage?(message: Envelope, ctx: MessageContext): Promise<unknown>;
}

/** Declares one skill with its schemas; the type of `input` flows into the handler. */
export function defineSkill<I, O>(skill: SkillDefinition<I, O>): SkillDefinition {
  return skill as unknown as SkillDefinition;
}

/** Declares an agent, checking its shape once at start-up rather than at the first task. */
export function defineAgent(
  definition: Omit<AgentDefinition, 'concurrency'> & { concurrency?: number },
): AgentDefinition {
  const agent = { ...definition, concurrency: definition.concurrency ?? 4 };
  if (!/^[a-z][\w-]{0,62}$/.test(agent.name)) {
    throw new MagnaError(
      'AGENT_INVALID',
      `Agent name "${agent.name}" must be lowercase letters, digits, _ or -.`,
    );
  }
  if (!Number.isInteger(agent.concurrency) || agent.concurrency < 1 || agent.concurrency > 1000) {
    throw new MagnaError(
      'AGENT_INVALID',
      `Agent ${agent.name}: concurrency must be an integer from 1 to 1000.`,
    );
  }
  const names = new Set<string>();
  for (const skill of agent.skills) {
    if (!/^[a-z][\w.-]{0,127}$/.test(skill.name)) {
      throw new MagnaError('AGENT_INVALID', `Agent ${agent.name}: invalid skill name "${skill.name}".`);
    }
    if (names.has(skill.name))
      throw new MagnaError('AGENT_INVALID', `Agent ${agent.name}: skill ${skill.name} is declared twice.`);
    names.add(skill.name);
  }
  return agent;
}
