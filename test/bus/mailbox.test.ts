import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/bus/mailbox.js';
import { envelope } from './helpers.js';

type Op = { push: number } | 'shift';

describe('mailbox', () => {
  it('always serves the highest priority present, earliest first within it (property)', () => {
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 9 }) }), fc.constant('shift' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops: Op[]) => {
        const mailbox = new Mailbox();
        // The model: a list of (priority, seq); shift takes the max priority, then min seq.
        const model: Array<{ priority: number; seq: number }> = [];
        let seq = 0;
        for (const o of ops) {
          if (o === 'shift') {
            const got = mailbox.shift();
            if (model.length === 0) {
              expect(got).toBeUndefined();
              continue;
            }
            let best = 0;
            for (let i = 1; i < model.length; i++) {
              const m = model[i]!;
              const b = model[best]!;
              if (m.priority > b.priority || (m.priority === b.priority && m.seq < b.seq)) best = i;
            }
            const [expected] = model.splice(best, 1);
            expect(got?.body).toBe(expected?.seq);
            expect(mailbox.replyTo).toBe(`r${expected?.seq}`);
          } else {
            mailbox.push(envelope({ priority: o.push, body: seq }), `r${seq}`);
            model.push({ priority: o.push, seq });
            seq++;
          }
          expect(mailbox.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays FIFO across lane compaction with long interleaved runs', () => {
    const mailbox = new Mailbox();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 700; i++) mailbox.push(envelope({ priority: 4, body: next++ }), undefined);
      for (let i = 0; i < 500; i++) out.push(mailbox.shift()?.body as number);
    }
    for (let e = mailbox.shift(); e !== undefined; e = mailbox.shift()) out.push(e.body as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(mailbox.size).toBe(0);
  });

  it('drain() empties in service order', () => {
    const mailbox = new Mailbox();
    for (const p of [1, 9, 1, 5]) mailbox.push(envelope({ priority: p, body: p }), undefined);
    expect(mailbox.drain().map((e) => e.body)).toEqual([9, 5, 1, 1]);
    expect(mailbox.size).toBe(0);
  });
});
