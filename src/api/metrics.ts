import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EventHub } from '../core/events.js';
import type { TaskQueue } from '../queue/task-queue.js';

/**
 * Prometheus metrics for one API server: its own registry (not prom-client's global one), so two
 * servers in one process — tests, the benchmark — never register a metric twice. Queue depth is
 * read from the store at scrape time; everything else counts events as they happen.
 */
export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  close(): void;
}

export function createMetrics(events: EventHub, queue: TaskQueue): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'magnatronic_' });
  // prom-client names these three gauges `*_total`, which `promtool check metrics` rejects (the
  // suffix is for counters); the same figures are in the *_handles / *_requests / *_resources gauges.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(`magnatronic_${name}`);
  }
  new Gauge({
    name: 'magnatronic_queue_tasks',
    help: 'Tasks in the queue by state and skill (finished tasks until pruned).',
    labelNames: ['state', 'skill'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await queue.store.countByState())
        this.set({ state: row.state, skill: row.skill }, row.count);
    },
  });
  const taskDuration = new Histogram({
    name: 'magnatronic_task_duration_seconds',
    help: 'Run time of successful task attempts, by skill.',
    labelNames: ['skill'],
    // 10 ms to 30 min: skills range from in-memory transforms to long crawls.
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  const tasksFinished = new Counter({
    name: 'magnatronic_tasks_finished_total',
    help: 'Tasks that reached a final state, by skill and outcome.',
    labelNames: ['skill', 'outcome'],
    registers: [registry],
  });
  const busMessages = new Counter({
    name: 'magnatronic_bus_messages_total',
    help: 'Bus messages delivered or dead-lettered.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'magnatronic_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'magnatronic_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const unsubscribe = [
    events.on('task:succeeded', (e) => {
      taskDuration.observe({ skill: e.skill }, e.durationMs / 1000);
      tasksFinished.inc({ skill: e.skill, outcome: 'succeeded' });
    }),
    events.on('task:dead', (e) => tasksFinished.inc({ skill: e.skill, outcome: 'dead' })),
    events.on('task:cancelled', (e) => tasksFinished.inc({ skill: e.skill, outcome: 'cancelled' })),
    events.on('bus:delivered', () => busMessages.inc({ outcome: 'delivered' })),
    events.on('bus:dead-letter', () => busMessages.inc({ outcome: 'dead_letter' })),
  ];
  return {
    registry,
    httpRequests,
    httpDuration,
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
