import { afterEach, describe, expect, it } from 'vitest';
import { knowledgeAgent } from '../../src/agents/knowledge/index.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { testSystem, until } from '../support/system.js';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

/**
 * A task acts for whoever submitted it: a knowledge skill run for a caller without access to a
 * namespace must not answer from it, even though the agent itself may read everything.
 */
describe('knowledge skills act for the task submitter', () => {
  it('answers from a namespace only when the submitter may read it', async () => {
    const system = await testSystem({ agents: [knowledgeAgent] });
    disposers.push(() => system.dispose());
    const kb = system.services.knowledge!;
    await kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: 'acme/secret',
      documents: [
        { source: 'memo://launch', text: 'The Falcon project launches on 12 March 2027 in Lisbon.' },
      ],
    });
    await kb.grant(SYSTEM_PRINCIPAL, { principalId: 'key:reader', namespace: 'acme/secret', role: 'reader' });
    const node = system.createNode();
    await node.start();
    const ask = async (actor?: { id: string; role: 'viewer' }) => {
      const task = await system.queue.enqueue({
        skill: 'knowledge.answer',
        input: { question: 'When does the Falcon project launch?' },
        ...(actor ? { actor } : {}),
      });
      await until(async () => (await system.queue.get(task.id))!.state === 'succeeded');
      return (await system.queue.get(task.id))!.output as { found: boolean; answer?: string };
    };
    const outsider = await ask({ id: 'key:outsider', role: 'viewer' });
    const reader = await ask({ id: 'key:reader', role: 'viewer' });
    const agent = await ask();
    await node.stop();
    expect(outsider.found).toBe(false);
    expect(JSON.stringify(outsider)).not.toContain('Lisbon');
    expect(reader.found).toBe(true);
    expect(JSON.stringify(reader)).toContain('Lisbon');
    expect(agent.found).toBe(true);
  });

  it('refuses a malformed actor', async () => {
    const system = await testSystem({ agents: [knowledgeAgent] });
    disposers.push(() => system.dispose());
    await expect(
      system.queue.enqueue({
        skill: 'knowledge.answer',
        input: { question: 'x' },
        actor: { id: '', role: 'root' } as never,
      }),
    ).rejects.toMatchObject({ code: 'QUEUE_INVALID_TASK' });
  });
});
