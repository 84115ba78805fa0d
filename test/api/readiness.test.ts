import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('readiness while draining', () => {
  it('answers /readyz with 503 UNAVAILABLE once the process drains, while /healthz stays up', async () => {
    const ready = () => api.app.inject({ method: 'GET', url: '/readyz', headers: api.auth('viewer') });
    expect((await ready()).statusCode).toBe(200);
    api.system.readiness.drain();
    const draining = await ready();
    expect(draining.statusCode).toBe(503);
    expect(draining.json().error.code).toBe('UNAVAILABLE');
    expect(draining.json().error.message).toContain('draining');
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
