import { defineRoute } from '../route.js';

export const metricsRoutes = [
  defineRoute({
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics.scrape',
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Queue depth by state and skill, task durations, bus traffic, HTTP requests, process figures.',
    tag: 'system',
    permission: 'metrics:read',
    response: {
      status: 200,
      description: 'Metrics.',
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    },
    handler: async ({ metrics, reply }) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  }),
];
