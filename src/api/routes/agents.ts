import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';
import { AgentSchema, idParam } from '../schemas.js';

export const agentRoutes = [
  defineRoute({
    method: 'GET',
    url: '/agents',
    operationId: 'agents.list',
    summary: 'Agents registered by every node',
    tag: 'agents',
    permission: 'agents:read',
    response: { status: 200, description: 'Agents.', schema: z.object({ agents: z.array(AgentSchema) }) },
    handler: async ({ system }) => ({ agents: await system.agents.list() }),
  }),
  defineRoute({
    method: 'GET',
    url: '/agents/:id',
    operationId: 'agents.get',
    summary: 'One agent',
    tag: 'agents',
    permission: 'agents:read',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: { status: 200, description: 'The agent.', schema: AgentSchema },
    handler: async ({ system, params }) => {
      const agent = await system.agents.get(params.id);
      if (!agent)
        throw new MagnaError('NOT_FOUND', `Agent ${params.id} does not exist.`, {
          details: { agentId: params.id },
        });
      return agent;
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/agents/:id/drain',
    operationId: 'agents.drain',
    summary: 'Drain an agent: it finishes its tasks and takes no new ones',
    tag: 'agents',
    permission: 'agents:drain',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: {
      status: 202,
      description: 'Drain requested; the node applies it on its next heartbeat.',
      schema: AgentSchema,
    },
    handler: async ({ system, params }) => {
      const agent = await system.agents.requestDrain(params.id);
      if (!agent)
        throw new MagnaError('NOT_FOUND', `Agent ${params.id} does not exist.`, {
          details: { agentId: params.id },
        });
      return agent;
    },
  }),
];
