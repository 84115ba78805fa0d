import { hostname } from 'node:os';
import type { AgentDefinition, SkillDefinition } from '../agents/sdk.js';
import type { MessageBus } from '../bus/bus.js';
import { isMagnaError } from '../core/errors.js';
import type { AgentStatus, EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import { retryUnavailable } from '../core/retry.js';
import type { Task } from '../queue/types.js';
import type { WakeUp } from '../queue/wake-up.js';
import type { AgentRecord, AgentRegistry } from './agent-registry.js';
import { CompletionBatcher } from './group-commit.js';
import { type RunnerDeps, type RunningTask, runTask } from './task-runner.js';

export interface NodeOptions {
  nodeId?: string;
  /** Idle poll interval; a local enqueue wakes the node at once regardless. */
  pollMs: number;
  heartbeatMs: number;
  leaseMs: number;
  claimBatch: number;
  shutdownGraceMs: number;
}

interface HostedAgent {
  id: string;
  definition: AgentDefinition;
  skills: Map<string, SkillDefinition>;
  running: Set<RunningTask>;
  draining: boolean;
}

/**
 * A node hosts agents: it claims tasks for its agents' skills, gives each to the least-loaded
 * agent that has the skill, keeps leases alive with heartbeats, returns expired leases of dead
 * workers to the queue, and on stop() drains: no new claims, in-flight work finishes within the
 * grace period or is released back to the queue.
 */
export class AgentNode {
  readonly id: string;
  private readonly agents: HostedAgent[];
  private status: 'starting' | 'running' | 'draining' | 'stopped' = 'starting';
  private wake: (() => void) | null = null;
  /** Set by nudge() while the loop was not sleeping. */
  private nudged = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Array<() => void> = [];
  private lastPrune = 0;
  private busEndpoints: Array<() => void> = [];
  private readonly runner: RunnerDeps;

  constructor(
    private readonly deps: RunnerDeps & {
      events: EventHub;
      registry: AgentRegistry;
      bus?: MessageBus;
      /** Wake-ups from other processes sharing the store (ready work they enqueued). */
      wakeUp?: WakeUp;
    },
    definitions: AgentDefinition[],
    private readonly options: NodeOptions,
  ) {
    this.id = options.nodeId ?? `${hostname()}-${process.pid}-${newId().slice(-6)}`;
    const completions = new CompletionBatcher(deps.queue);
    this.runner = { ...deps, complete: (spec) => completions.complete(spec) };
    this.agents = definitions.map((definition) => ({
      id: `${definition.name}@${this.id}`,
      definition,
      skills: new Map(definition.skills.map((s) => [s.name, s])),
      running: new Set(),
      draining: false,
    }));
  }

  /** The node's life-cycle state, for the home's process registry (`magnatronic nodes`). */
  get state(): 'starting' | 'running' | 'draining' | 'stopped' {
    return this.status;
  }

  get agentNames(): string[] {
    return this.agents.map((a) => a.definition.name);
  }

  get inFlight(): number {
    return this.agents.reduce((n, a) => n + a.running.size, 0);
  }

  async start(): Promise<void> {
    const { registry, events } = this.deps;
    const now = Date.now();
    this.emitNode();
    for (const agent of this.agents) {
      // Several processes start on one home at once: a busy store delays registration, never fails it.
      const record: AgentRecord = {
        id: agent.id,
        name: agent.definition.name,
        role: agent.definition.role,
        nodeId: this.id,
        skills: [...agent.skills.keys()],
        concurrency: agent.definition.concurrency,
        status: 'idle',
        load: 0,
        startedAt: now,
        heartbeatAt: now,
      };
      await retryUnavailable(() => registry.register(record));
      this.emitAgent(agent);
      this.attachToBus(agent);
    }
    const mySkills = new Set(this.agents.flatMap((a) => [...a.skills.keys()]));
    this.unsubscribe.push(
      events.on('task:queued', (data) => {
        if (mySkills.has(data.skill)) this.nudge();
      }),
      events.on('task:cancelled', (data) => this.abortLocal(data.taskId, 'cancelled')),
    );
    if (this.deps.wakeUp) {
      this.unsubscribe.push(
        this.deps.wakeUp.subscribe((skills) => {
          if (skills.some((skill) => mySkills.has(skill))) this.nudge();
        }),
      );
    }
    this.status = 'running';
    this.emitNode();
    await this.deps.queue.recoverExpired();
    this.loops.push(this.claimLoop());
    this.timers.push(setInterval(() => void this.heartbeat(), this.options.heartbeatMs));
    // Expired leases are checked at a fraction of the lease so a killed worker's task waits
    // at most ~1.25 leases before another node picks it up.
    this.timers.push(
      setInterval(() => void this.maintain(), Math.max(250, Math.floor(this.options.leaseMs / 4))),
    );
  }

  /** Stops claiming, lets in-flight tasks finish within the grace period, then releases the rest. */
  async stop(graceMs = this.options.shutdownGraceMs): Promise<void> {
    if (this.status === 'stopped' || this.status === 'draining') return;
    this.status = 'draining';
    this.emitNode();
    for (const agent of this.agents) this.emitAgent(agent);
    this.wake?.();
    await Promise.all(this.loops);
    const all = this.agents.flatMap((a) => [...a.running]);
    const finished = Promise.all(all.map((r) => r.done));
    const timeout = new Promise<'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), graceMs);
      t.unref();
    });
    if ((await Promise.race([finished, timeout])) === 'timeout') {
      for (const running of all) {
        running.abort('shutdown', new Error('node shutting down'));
      }
      await finished;
    }
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
    for (const off of this.busEndpoints) off();
    await this.deps.registry.markNodeDown(this.id, Date.now());
    this.status = 'stopped';
    for (const agent of this.agents) this.emitAgent(agent);
    this.emitNode();
  }

  /** Gives an agent with a message handler its mailbox (`agent:<name>`) and role address on the bus. */
  private attachToBus(agent: HostedAgent): void {
    const { bus } = this.deps;
    const onMessage = agent.definition.onMessage;
    if (!bus || !onMessage) return;
    const logger = this.deps.logger.child({ agent: agent.definition.name });
    const ctx = {
      logger,
      agent: { name: agent.definition.name, role: agent.definition.role },
      services: this.deps.services,
      bus: this.deps.messaging(agent.definition.name),
    };
    const endpoint = bus.registerAgent(
      agent.definition.name,
      agent.definition.role,
      (envelope) => onMessage(envelope, ctx),
      {
        concurrency: agent.definition.concurrency,
      },
    );
    this.busEndpoints.push(() => endpoint.unregister());
  }

  private async claimLoop(): Promise<void> {
    while (this.status === 'running') {
      const capacity = this.capacity();
      let claimed = 0;
      if (capacity.total > 0) {
        try {
          const tasks = await this.deps.queue.claim(
            this.id,
            capacity.bySkill,
            Math.min(this.options.claimBatch, capacity.total),
          );
          claimed = tasks.length;
          for (const task of tasks) this.dispatch(task);
        } catch (error) {
          this.logFailure(error, 'claiming tasks failed; retrying');
        }
      }
      // A full batch means more work is likely waiting: claim again at once. Otherwise sleep
      // until a local enqueue, a finished task or the poll interval.
      if (claimed === 0 || claimed < Math.min(this.options.claimBatch, capacity.total))
        await this.sleep(this.options.pollMs);
    }
  }

  private capacity(): { total: number; bySkill: Map<string, number> } {
    const bySkill = new Map<string, number>();
    let total = 0;
    for (const agent of this.agents) {
      if (agent.draining) continue;
      const free = agent.definition.concurrency - agent.running.size;
      if (free <= 0) continue;
      total += free;
      for (const skill of agent.skills.keys()) bySkill.set(skill, (bySkill.get(skill) ?? 0) + free);
    }
    return { total, bySkill };
  }

  private dispatch(task: Task): void {
    let best: HostedAgent | undefined;
    for (const agent of this.agents) {
      if (agent.draining || !agent.skills.has(task.skill)) continue;
      if (agent.running.size >= agent.definition.concurrency) continue;
      if (
        !best ||
        agent.running.size / agent.definition.concurrency < best.running.size / best.definition.concurrency
      )
        best = agent;
    }
    if (!best) {
      // Capacity changed between claim and dispatch (a drain): hand the task back untouched.
      void this.deps.queue.release({ taskId: task.id, attempt: task.attempt, workerId: this.id });
      return;
    }
    const agent = best;
    const running = runTask(this.runner, agent.definition, agent.skills.get(task.skill)!, task, this.id);
    agent.running.add(running);
    if (agent.running.size === 1) this.emitAgent(agent);
    void running.done.then(() => {
      agent.running.delete(running);
      if (agent.running.size === 0) this.emitAgent(agent);
      this.wake?.();
    });
  }

  private abortLocal(taskId: string, cause: 'cancelled'): void {
    for (const agent of this.agents) {
      for (const running of agent.running) {
        if (running.task.id === taskId) {
          running.abort(cause, new Error(`task ${taskId} was ${cause}`));
        }
      }
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      const running = this.agents.flatMap((a) => [...a.running]);
      if (running.length > 0) {
        const lost = await this.deps.queue.heartbeat(running.map((r) => r.lease));
        for (const id of lost) this.abortLocal(id, 'cancelled');
      }
      const draining = await this.deps.registry.heartbeat(
        this.agents.map((a) => ({ id: a.id, status: this.agentStatus(a), load: a.running.size })),
        Date.now(),
      );
      for (const agent of this.agents) {
        if (draining.includes(agent.id) && !agent.draining) {
          agent.draining = true;
          this.emitAgent(agent);
        }
      }
    } catch (error) {
      this.logFailure(error, 'heartbeat failed');
    }
  }

  private async maintain(): Promise<void> {
    try {
      await this.deps.queue.recoverExpired();
      // Retention runs at most once a minute per node; deleting is cheap with the finished_at index.
      if (Date.now() - this.lastPrune > 60_000) {
        this.lastPrune = Date.now();
        const pruned = await this.deps.queue.prune();
        if (pruned > 0) this.deps.logger.info({ pruned }, 'pruned finished tasks past retention');
        // Bus dead letters follow the same retention as finished tasks.
        const retention = this.deps.queue.options.retentionMs;
        if (retention > 0) await this.deps.bus?.pruneDeadLetters(Date.now() - retention);
      }
      await this.deps.registry.markStale(Date.now() - 3 * this.options.heartbeatMs);
    } catch (error) {
      this.logFailure(error, 'maintenance failed');
    }
  }

  /**
   * A busy store (another process of the home held the write lock past the busy timeout) is the
   * normal price of sharing a home: the claim, heartbeat and maintenance rounds simply run again on
   * their next tick, so it is logged at debug. Anything else is an error.
   */
  private logFailure(error: unknown, message: string): void {
    if (isMagnaError(error, 'UNAVAILABLE')) this.deps.logger.debug({ err: error }, `${message} (store busy)`);
    else this.deps.logger.error({ err: error }, message);
  }

  private agentStatus(agent: HostedAgent): AgentStatus {
    if (this.status === 'stopped') return 'down';
    if (this.status === 'starting') return 'starting';
    if (agent.draining || this.status === 'draining') return 'draining';
    return agent.running.size > 0 ? 'busy' : 'idle';
  }

  private emitAgent(agent: HostedAgent): void {
    this.deps.events.emit('agent:status', {
      agentId: agent.id,
      name: agent.definition.name,
      status: this.agentStatus(agent),
      load: agent.running.size,
    });
  }

  private emitNode(): void {
    this.deps.events.emit('node:status', { nodeId: this.id, status: this.status });
  }

  /**
   * Asks the claim loop to look again: at once if it sleeps, else right after its current claim.
   * A wake-up that arrives mid-claim is kept for the next sleep: dropped, the task it announced
   * (committed after that claim's snapshot) would wait a whole poll interval.
   */
  private nudge(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
