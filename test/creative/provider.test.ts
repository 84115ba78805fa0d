import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MagnaError } from '../../src/core/errors.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { type ModelServer, startModelServer } from './model-server.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const provider = (extra: Partial<ConstructorParameters<typeof OpenAiCompatibleProvider>[0]> = {}) =>
  new OpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: 'local-test', timeoutMs: 10_000, ...extra });

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MagnaError);
  return (error as MagnaError).code;
};

describe('the OpenAI-compatible provider against a local server', () => {
  it('sends the model, messages and key, and reads a JSON reply', async () => {
    server.script([{ kind: 'reply', text: 'Hello [1].' }]);
    const reply = await provider({ apiKey: 'sk-local' }).chat([{ role: 'user', content: 'hi' }], {
      maxTokens: 50,
    });
    expect(reply).toBe('Hello [1].');
    expect(server.requests[0]!.body).toMatchObject({ model: 'local-test', temperature: 0, max_tokens: 50 });
    expect(server.requests[0]!.body.stream).toBeUndefined();
    expect(server.requests[0]!.authorization).toBe('Bearer sk-local');
  });

  it('streams server-sent events, delivering each delta and the whole text', async () => {
    server.script([{ kind: 'stream', pieces: ['Acme ', 'has 4,500 ', 'employees.'] }]);
    const deltas: string[] = [];
    const reply = await provider().chat([{ role: 'user', content: 'x' }], { onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Acme ', 'has 4,500 ', 'employees.']);
    expect(reply).toBe('Acme has 4,500 employees.');
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('treats a stream cut before [DONE] as a failure, not a short answer', async () => {
    server.script([{ kind: 'stream', pieces: ['Acme has'], cutBeforeDone: true }]);
    expect(
      await codeOf(provider().chat([{ role: 'user', content: 'x' }], { onDelta: () => undefined })),
    ).toBe('LLM_UNAVAILABLE');
  });

  it('retries after HTTP 429 as Retry-After says, then succeeds', async () => {
    server.script([
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'reply', text: 'done' },
    ]);
    expect(await provider().chat([{ role: 'user', content: 'x' }])).toBe('done');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up with LLM_RATE_LIMITED after the allowed retries, or at once when the wait is too long', async () => {
    server.script([{ kind: 'status', status: 429, retryAfter: '0' }]);
    expect(await codeOf(provider({ maxRetries: 1 }).chat([{ role: 'user', content: 'x' }]))).toBe(
      'LLM_RATE_LIMITED',
    );
    expect(server.requests).toHaveLength(2);
    server.script([{ kind: 'status', status: 429, retryAfter: '3600' }]);
    expect(await codeOf(provider().chat([{ role: 'user', content: 'x' }]))).toBe('LLM_RATE_LIMITED');
    expect(server.requests).toHaveLength(1);
  });

  it('maps server errors, replies without content and unreachable hosts to LLM_UNAVAILABLE', async () => {
    server.script([{ kind: 'status', status: 500, message: 'model crashed' }]);
    const error = await provider()
      .chat([{ role: 'user', content: 'x' }])
      .catch((e: unknown) => e as MagnaError);
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(String((error as MagnaError).message)).toContain('model crashed');
    server.script([{ kind: 'garbage' }]);
    expect(await codeOf(provider().chat([{ role: 'user', content: 'x' }]))).toBe('LLM_UNAVAILABLE');
    const nowhere = new OpenAiCompatibleProvider({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      timeoutMs: 5_000,
    });
    expect(await codeOf(nowhere.chat([{ role: 'user', content: 'x' }]))).toBe('LLM_UNAVAILABLE');
  });
});
