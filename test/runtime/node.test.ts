import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentDefinition, defineAgent, defineSkill } from '../../src/agents/sdk.js';
import type { PlanTemplate } from '../../src/orchestrator/plan.js';
import { testSystem, until } from '../support/system.js';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

async function setup(agents: AgentDefinition[], extra: Parameters<typeof testSystem>[0] = {}) {
  const system = await testSystem({ agents, ...extra });
  disposers.push(() => system.dispose());
  return system;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

const workSkills = new Map<string, ReturnType<typeof defineSkill>>();

/** Agents sharing a skill share its definition, as agents built from one module do. */
function worker(name: string, concurrency: number, delayMs = 20) {
  const key = `${delayMs}`;
  if (!workSkills.has(key)) workSkills.set(key, workSkill(delayMs));
  return defineAgent({
    name,
    role: 'worker',
    description: 'test worker',
    concurrency,
    skills: [workSkills.get(key)!],
  });
}

function workSkill(delayMs: number) {
  return defineSkill({
    name: 'work',
    description: 'sleeps then returns its input',
    input: z.object({ n: z.number() }),
    output: z.object({ n: z.number(), by: z.string() }),
    async handler(input, ctx) {
      ctx.logger.info('start');
      await sleep(delayMs, ctx.signal);
      return { n: input.n, by: ctx.agent.name };
    },
  });
}

describe('agent node', () => {
  it('runs claimed tasks, spreading them over the least-loaded agents within their concurrency', async () => {
    const system = await setup([worker('one', 2), worker('two', 2)]);
    let peak = 0;
    let running = 0;
    system.events.on('task:started', () => {
      running++;
      peak = Math.max(peak, running);
    });
    system.events.on('task:succeeded', () => running--);
    const tasks = await system.queue.enqueueMany(
      [...Array(12)].map((_, n) => ({ skill: 'work', input: { n } })),
    );
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.queue.list({ state: 'succeeded', limit: 100 })).length === 12);
    await node.stop();
    expect(peak).toBeLessThanOrEqual(4);
    const done = await Promise.all(tasks.map((t) => system.queue.get(t.id)));
    const by = done.map((t) => (t!.output as { by: string }).by);
    expect(by.filter((b) => b === 'one').length).toBeGreaterThan(2);
    expect(by.filter((b) => b === 'two').length).toBeGreaterThan(2);
  });

  it('aborts a running handler when its task is cancelled', async () => {
    let aborted = false;
    const slow = defineAgent({
      name: 'slow',
      role: 'worker',
      description: '',
      skills: [
        defineSkill({
          name: 'wait',
          description: '',
          input: z.object({}),
          output: z.null(),
          async handler(_input, ctx) {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
            });
            await sleep(60_000, ctx.signal);
            return null;
          },
        }),
      ],
    });
    const system = await setup([slow]);
    const task = await system.queue.enqueue({ skill: 'wait' });
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.queue.get(task.id))!.state === 'running');
    await system.queue.cancel(task.id, 'user asked');
    await until(() => aborted, 5000, 'abort signal');
    await until(() => node.inFlight === 0);
    expect((await system.queue.get(task.id))!.state).toBe('cancelled');
    await node.stop();
  });

  it('times out a handler that ignores its signal, and retries it', async () => {
    let calls = 0;
    const stuck = defineAgent({
      name: 'stuck',
      role: 'worker',
      description: '',
      skills: [
        defineSkill({
          name: 'hang',
          description: '',
          input: z.object({}),
          output: z.string(),
          async handler() {
            calls++;
            if (calls === 1) await new Promise(() => undefined);
            return 'second time lucky';
          },
        }),
      ],
    });
    const system = await setup([stuck]);
    const task = await system.queue.enqueue({ skill: 'hang', timeoutMs: 100, maxAttempts: 2 });
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.queue.get(task.id))!.state === 'succeeded');
    const done = (await system.queue.get(task.id))!;
    expect(done.attempt).toBe(2);
    expect(done.lastError?.code).toBe('TIMEOUT');
    expect(done.output).toBe('second time lucky');
    await node.stop();
  });

  it('dead-letters output that breaks the skill schema, and a throwing handler after its attempts', async () => {
    const bad = defineAgent({
      name: 'bad',
      role: 'worker',
      description: '',
      skills: [
        defineSkill({
          name: 'lie',
          description: '',
          input: z.object({}),
          output: z.number(),
          handler: async () => 'not a number' as never,
        }),
        defineSkill({
          name: 'throw',
          description: '',
          input: z.object({}),
          output: z.null(),
          handler: async () => {
            throw new Error('kaput');
          },
        }),
      ],
    });
    const system = await setup([bad]);
    const lie = await system.queue.enqueue({ skill: 'lie', maxAttempts: 3 });
    const thrower = await system.queue.enqueue({ skill: 'throw', maxAttempts: 2 });
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.queue.list({ state: 'dead' })).length === 2);
    await node.stop();
    expect(await system.queue.get(lie.id)).toMatchObject({
      attempt: 1,
      lastError: { code: 'QUEUE_OUTPUT_INVALID' },
    });
    expect(await system.queue.get(thrower.id)).toMatchObject({
      attempt: 2,
      lastError: { code: 'QUEUE_HANDLER_FAILED', message: 'kaput' },
    });
  });

  it('on stop, lets in-flight work finish within the grace period and releases the rest unharmed', async () => {
    const system = await setup(
      [worker('quick', 1, 50), worker('slow', 1, 60_000)].map((a, i) =>
        i === 0 ? a : { ...a, skills: [{ ...a.skills[0]!, name: 'long' }] },
      ),
    );
    const quick = await system.queue.enqueue({ skill: 'work', input: { n: 1 } });
    const long = await system.queue.enqueue({ skill: 'long', input: { n: 2 } });
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.queue.list({ state: 'running' })).length === 2);
    await node.stop(300);
    expect((await system.queue.get(quick.id))!.state).toBe('succeeded');
    expect(await system.queue.get(long.id)).toMatchObject({ state: 'queued', attempt: 0 });
    const agents = await system.agents.list();
    expect(agents.every((a) => a.status === 'down')).toBe(true);
  });

  it('stops giving tasks to an agent an operator asked to drain', async () => {
    const system = await setup([worker('keep', 1, 5), worker('drained', 1, 5)]);
    const node = system.createNode();
    await node.start();
    const drainedId = (await system.agents.list()).find((a) => a.name === 'drained')!.id;
    // The node learns of the drain on its next heartbeat and says so with an event: wait for it.
    const noticed = new Promise<void>((resolve) =>
      system.events.on('agent:status', (event) => {
        if (event.agentId === drainedId && event.status === 'draining') resolve();
      }),
    );
    await system.agents.requestDrain(drainedId);
    await noticed;
    await system.queue.enqueueMany([...Array(6)].map((_, n) => ({ skill: 'work', input: { n } })));
    await until(async () => (await system.queue.list({ state: 'succeeded' })).length === 6);
    await node.stop();
    const by = (await system.queue.list({ state: 'succeeded' })).map((t) => (t.output as { by: string }).by);
    expect(by).toEqual(Array(6).fill('keep'));
    expect((await system.agents.get(drainedId))!.status).toBe('down');
  });
});

describe('missions', () => {
  const chain = defineAgent({
    name: 'chain',
    role: 'worker',
    description: '',
    skills: [
      defineSkill({
        name: 'emit',
        description: 'returns a number',
        input: z.object({ value: z.number() }),
        output: z.object({ value: z.number() }),
        handler: async ({ value }) => ({ value }),
      }),
      defineSkill({
        name: 'sum',
        description: 'adds the values of its upstream steps and writes an artifact',
        input: z.object({ fail: z.boolean().default(false) }),
        output: z.object({ total: z.number() }),
        async handler({ fail }, ctx) {
          if (fail) throw new Error('asked to fail');
          const total = Object.values(ctx.upstream).reduce<number>(
            (s, o) => s + (o as { value: number }).value,
            0,
          );
          await ctx.writeArtifact('total.txt', String(total));
          ctx.enqueue({ skill: 'emit', input: { value: total } });
          return { total };
        },
      }),
    ],
  });
  const template: PlanTemplate = {
    name: 'sum',
    description: 'sum two numbers',
    example: 'sum 1 and 2',
    matches: (goal) => /^sum \d+ and \d+/.test(goal),
    plan: (goal, options) => {
      const [a, b] = goal.match(/\d+/g)!.map(Number);
      return {
        template: 'sum',
        steps: [
          { key: 'a', skill: 'emit', input: { value: a } },
          { key: 'b', skill: 'emit', input: { value: b } },
          {
            key: 'total',
            skill: 'sum',
            input: { fail: options.fail === true },
            dependsOn: ['a', 'b'],
            maxAttempts: 1,
          },
          { key: 'after', skill: 'emit', input: { value: 0 }, dependsOn: ['total'] },
        ],
      };
    },
  };

  it('plans a goal into a DAG, passes upstream outputs by step key, and derives the status', async () => {
    const system = await setup([chain], { templates: [template] });
    const mission = await system.missions.create('sum 2 and 40');
    expect((await system.missions.get(mission.id)).tasks.map((t) => t.step)).toEqual([
      'a',
      'b',
      'total',
      'after',
    ]);
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.missions.get(mission.id)).status !== 'running');
    const view = await system.missions.get(mission.id);
    expect(view.status).toBe('succeeded');
    const results = await system.missions.results(mission.id);
    expect(results.steps.total!.output).toEqual({ total: 42 });
    expect(results.artifacts).toEqual([expect.stringMatching(/total\.txt$/)]);
    // The child enqueued by the `sum` handler belongs to the mission and ran too.
    await until(
      async () => (await system.queue.list({ missionId: mission.id, state: 'succeeded' })).length === 5,
    );
    await node.stop();
  });

  it('fails a mission whose step dies, cancelling the steps that depended on it', async () => {
    const system = await setup([chain], { templates: [template] });
    const mission = await system.missions.create('sum 1 and 2', { fail: true });
    const node = system.createNode();
    await node.start();
    await until(async () => (await system.missions.get(mission.id)).status !== 'running');
    await node.stop();
    const view = await system.missions.get(mission.id);
    expect(view.status).toBe('failed');
    expect(view.tasks.find((t) => t.step === 'after')!.state).toBe('cancelled');
    expect((await system.missions.results(mission.id)).steps.total!.error).toMatchObject({
      message: 'asked to fail',
    });
  });

  it('refuses a goal no template matches, and a plan that is not a DAG', async () => {
    const broken: PlanTemplate = {
      ...template,
      name: 'broken',
      matches: (g) => g === 'broken',
      plan: () => ({
        template: 'broken',
        steps: [{ key: 'x', skill: 'emit', input: { value: 1 }, dependsOn: ['y'] }],
      }),
    };
    const system = await setup([chain], { templates: [template, broken] });
    await expect(system.missions.create('make coffee')).rejects.toMatchObject({ code: 'MISSION_NO_PLANNER' });
    await expect(system.missions.create('broken')).rejects.toMatchObject({ code: 'MISSION_PLAN_INVALID' });
    await expect(
      system.missions.create('sum 1 and 2', {}).then((m) => system.missions.cancel(m.id)),
    ).resolves.toMatchObject({ status: 'cancelled' });
    expect((await system.missions.list()).length).toBe(1);
  });
});

describe('agents on the bus', () => {
  it('serves requests to an agent and its role through its message handler, and messages from skills', async () => {
    const echo = defineAgent({
      name: 'echo',
      role: 'helper',
      description: '',
      skills: [
        defineSkill({
          name: 'ask-echo',
          description: 'asks the echo role over the bus',
          input: z.object({ text: z.string() }),
          output: z.unknown(),
          async handler({ text }, ctx) {
            const reply = await ctx.bus.request('role:helper', { text });
            return reply.body;
          },
        }),
      ],
      async onMessage(message) {
        return { echoed: (message.body as { text: string }).text.toUpperCase() };
      },
    });
    const system = await setup([echo]);
    const node = system.createNode();
    await node.start();
    const reply = await system.bus.messagingFor('tester').request('agent:echo', { text: 'hi' });
    expect(reply).toMatchObject({ performative: 'inform', sender: 'echo', body: { echoed: 'HI' } });
    const task = await system.queue.enqueue({ skill: 'ask-echo', input: { text: 'via skill' } });
    await until(async () => (await system.queue.get(task.id))!.state === 'succeeded');
    expect((await system.queue.get(task.id))!.output).toEqual({ echoed: 'VIA SKILL' });
    await node.stop();
  });
});
