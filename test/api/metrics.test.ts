import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/system-tools.js';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(() => api.close());

describe('/metrics', () => {
  it('exposes queue depth, task durations, bus traffic and HTTP requests in a form promtool accepts', async () => {
    const task = await api.system.queue.enqueue({ skill: 'test.echo', input: { text: 'metrics' } });
    await api.system.queue.enqueue({ skill: 'test.echo', input: { text: 'waiting' } });
    const [claimed] = await api.system.queue.claim('w1', new Map([['test.echo', 1]]));
    expect(claimed?.id).toBe(task.id);
    await api.system.queue.complete({ taskId: task.id, attempt: 1, workerId: 'w1' }, { echoed: 'metrics' });
    await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: api.auth('operator'),
      payload: { receiver: 'agent:nobody', performative: 'inform', body: 1 },
    });
    const response = await api.app.inject({ method: 'GET', url: '/metrics', headers: api.auth('viewer') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/magnatronic_queue_tasks\{state="succeeded",skill="test.echo"\} 1/);
    expect(text).toMatch(/magnatronic_queue_tasks\{state="queued",skill="test.echo"\} 1/);
    expect(text).toMatch(/magnatronic_task_duration_seconds_count\{skill="test.echo"\} 1/);
    expect(text).toMatch(/magnatronic_bus_messages_total\{outcome="dead_letter"\} 1/);
    expect(text).toMatch(
      /magnatronic_http_requests_total\{method="POST",route="\/messages",status="202"\} 1/,
    );

    // Debian's `prometheus` package provides promtool.
    const check = spawnSync(requireTool('promtool', 'prometheus'), ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});
