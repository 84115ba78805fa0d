import { describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../src/bus/memory/transport.js';
import { busContract } from './bus-contract.js';
import { envelope, type TransportFactory } from './helpers.js';
import { transportContract } from './transport-contract.js';

const memory: TransportFactory = {
  name: 'memory',
  create: async () => new MemoryTransport(),
  knowsReceivers: true,
};

transportContract(memory);
busContract(memory);

describe('memory transport: queue groups', () => {
  it('gives a queue group message to the least-loaded member, round robin among equals', () => {
    const t = new MemoryTransport();
    const loads: Record<string, number> = { a: 0, b: 0, c: 0 };
    const got: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      t.subscribe('role.w', () => got.push(name), { queue: 'g', load: () => loads[name] ?? 0 });
    }
    for (let i = 0; i < 6; i++) t.publish('role.w', envelope());
    expect(got).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    got.length = 0;
    loads.a = 5;
    loads.c = 2;
    for (let i = 0; i < 3; i++) t.publish('role.w', envelope());
    expect(got).toEqual(['b', 'b', 'b']);
  });

  it('keeps delivering to the others when one subscriber throws', () => {
    const t = new MemoryTransport();
    const got: string[] = [];
    const warn = process.emitWarning;
    const warnings: string[] = [];
    process.emitWarning = ((message: string) => warnings.push(message)) as typeof process.emitWarning;
    try {
      t.subscribe('topic.x', () => {
        throw new Error('bad subscriber');
      });
      t.subscribe('topic.x', () => got.push('ok'));
      expect(t.publish('topic.x', envelope())).toBe(true);
    } finally {
      process.emitWarning = warn;
    }
    expect(got).toEqual(['ok']);
    expect(warnings[0]).toContain('bad subscriber');
  });
});
