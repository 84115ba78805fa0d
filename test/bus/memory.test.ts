import { describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../src/bus/memory/transport.js';
import { busContract } from './bus-contract.js';
import { envelope, type TransportFactory } from './helpers.js';
import { transportContract } from './transport-contract.js';

const memory: TransportFactory = {
  name: 'memory',
  create: async () => new MemoryTransport(),
  pair: async () => {
    const t = new MemoryTransport();
    return [t, t];
  },
  knowsReceivers: true,
};

transportContract(memory);
busContract(memory);

describe('memory transport: queue groups', () => {
  it('gives queue group messages round robin to the members still subscribed', () => {
    const t = new MemoryTransport();
    const got: string[] = [];
    const subs = ['a', 'b', 'c'].map((name) => t.subscribe('role.w', () => got.push(name), { queue: 'g' }));
    for (let i = 0; i < 6; i++) t.publish('role.w', envelope());
    expect(got).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    got.length = 0;
    subs[1]?.unsubscribe();
    for (let i = 0; i < 4; i++) t.publish('role.w', envelope());
    expect(got).toEqual(['a', 'c', 'a', 'c']);
    expect(t.interest('role.w')).toBe('some');
    expect(t.interest('role.nobody')).toBe('none');
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
      t.publish('topic.x', envelope());
    } finally {
      process.emitWarning = warn;
    }
    expect(got).toEqual(['ok']);
    expect(warnings[0]).toContain('bad subscriber');
  });
});
