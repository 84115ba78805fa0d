import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks the OpenAI-compatible chat completions protocol: JSON or
 * server-sent-event streaming replies, error statuses and 429 with Retry-After. Each request is
 * answered by the next scripted step (the last one repeats), and recorded for assertions.
 */
export type Step =
  | { kind: 'reply'; text: string }
  | { kind: 'stream'; pieces: string[]; cutBeforeDone?: boolean }
  | { kind: 'status'; status: number; message?: string; retryAfter?: string }
  | { kind: 'garbage' };

export interface ModelServer {
  baseUrl: string;
  requests: Array<{ path: string; body: Record<string, unknown>; authorization?: string }>;
  script(steps: Step[]): void;
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  let steps: Step[] = [{ kind: 'reply', text: '' }];
  let next = 0;
  const requests: ModelServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({
        path: req.url ?? '',
        body,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no route"}}');
        return;
      }
      const step = steps[Math.min(next++, steps.length - 1)]!;
      switch (step.kind) {
        case 'reply':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: step.text } }] }),
          );
          return;
        case 'stream': {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          res.write(': keep-alive comment\n\n');
          for (const piece of step.pieces) {
            res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
          }
          if (!step.cutBeforeDone) res.write('data: [DONE]\n\n');
          res.end();
          return;
        }
        case 'status':
          res.writeHead(step.status, {
            'content-type': 'application/json',
            ...(step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter }),
          });
          res.end(JSON.stringify({ error: { message: step.message ?? 'failure' } }));
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' }).end('not json');
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script(s) {
      steps = s;
      next = 0;
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
