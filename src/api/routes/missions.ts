import { extname, relative, sep } from 'node:path';
import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import type { Mission, MissionResult } from '../../orchestrator/types.js';
import { actorOf } from '../../security/keys.js';
import { requireNamespace } from '../../security/permissions.js';
import type { Viewer } from '../../security/visibility.js';
import { defineRoute } from '../route.js';
import {
  idParam,
  limitParam,
  MissionResultSchema,
  MissionSchema,
  MissionViewSchema,
  missionStatus,
} from '../schemas.js';
import { viewerOf } from '../visibility.js';

/** Content types of the artifact kinds missions write; anything else is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

/** Missions without their frozen result (read it from /results). */
function summary(mission: Mission): Omit<Mission, 'result'> {
  const { result: _result, ...rest } = mission;
  return rest;
}

export const missionRoutes = [
  defineRoute({
    method: 'GET',
    url: '/missions',
    operationId: 'missions.list',
    summary: 'List missions, newest first',
    tag: 'missions',
    permission: 'missions:read',
    query: z.strictObject({
      status: missionStatus.optional(),
      limit: limitParam(500, 50),
      before: z.coerce
        .number()
        .int()
        .optional()
        .describe('Only missions created before this time (epoch ms)'),
    }),
    response: {
      status: 200,
      description: 'Missions.',
      schema: z.object({ missions: z.array(MissionSchema) }),
    },
    handler: async ({ system, query, principal }) => {
      const viewer = viewerOf(system, principal);
      const missions = await system.missions.list({
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
        ...(query.before !== undefined ? { before: query.before } : {}),
      });
      const visible: Mission[] = [];
      for (const mission of missions) if (await viewer.canSeeMission(mission.id)) visible.push(mission);
      return { missions: visible.map(summary) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/missions',
    operationId: 'missions.create',
    summary: 'Start a mission from a goal',
    description: 'The planner picks a template for the goal and enqueues its plan as tasks.',
    tag: 'missions',
    permission: 'missions:create',
    errors: ['MISSION_NO_PLANNER', 'MISSION_PLAN_INVALID', 'KB_FORBIDDEN', 'QUEUE_INVALID_INPUT'],
    body: z.strictObject({
      goal: z.string().trim().min(1).max(4000),
      options: z
        .looseObject({
          sources: z.array(z.string().min(1).max(2000)).max(1000).optional(),
          namespace: z.string().min(1).max(200).optional(),
        })
        .optional(),
    }),
    response: { status: 201, description: 'The mission, running.', schema: MissionSchema },
    handler: async ({ system, body, principal }) => {
      if (body.options?.namespace) requireNamespace(principal, body.options.namespace);
      return summary(await system.missions.create(body.goal, body.options ?? {}, actorOf(principal)));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/missions/:id',
    operationId: 'missions.get',
    summary: 'A mission with its tasks and progress',
    tag: 'missions',
    permission: 'missions:read',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: { status: 200, description: 'The mission.', schema: MissionViewSchema },
    handler: async ({ system, params, principal }) => {
      await requireVisibleMission(viewerOf(system, principal), params.id);
      const { result: _result, ...view } = await system.missions.get(params.id);
      return view;
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/missions/:id/cancel',
    operationId: 'missions.cancel',
    summary: 'Cancel a running mission and its unfinished tasks',
    tag: 'missions',
    permission: 'missions:cancel',
    errors: ['NOT_FOUND', 'QUEUE_TASK_STATE'],
    params: idParam,
    response: { status: 200, description: 'The mission after cancelling.', schema: MissionViewSchema },
    handler: async ({ system, params, principal }) => {
      // Analysts cancel only their own missions; operators and admins any they can see.
      await requireVisibleMission(viewerOf(system, principal), params.id);
      const { result: _result, ...view } = await system.missions.cancel(params.id);
      return view;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/missions/:id/results',
    operationId: 'missions.results',
    summary: "A mission's step outputs and artifacts",
    tag: 'missions',
    permission: 'missions:read',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: {
      status: 200,
      description: 'Outputs by step and artifact links.',
      schema: MissionResultSchema,
    },
    handler: async ({ system, params, principal }) => {
      await requireVisibleMission(viewerOf(system, principal), params.id);
      const result: MissionResult = await system.missions.results(params.id);
      const folder = system.artifacts.pathOf(params.id, 'x').slice(0, -2);
      return {
        steps: result.steps,
        artifacts: result.artifacts.map((path) => {
          const name = relative(folder, path).split(sep).join('/');
          return {
            name,
            url: `/missions/${encodeURIComponent(params.id)}/artifacts/${name.split('/').map(encodeURIComponent).join('/')}`,
          };
        }),
        ...(result.warnings ? { warnings: result.warnings } : {}),
      };
    },
  }),
  defineRoute<{ id: string; '*': string }>({
    method: 'GET',
    url: '/missions/:id/artifacts/*',
    openapiPath: '/missions/{id}/artifacts/{name}',
    operationId: 'missions.artifact',
    summary: 'Download one artifact (decrypted when stored encrypted)',
    tag: 'missions',
    permission: 'missions:read',
    errors: ['NOT_FOUND'],
    params: z.strictObject({
      id: z.string().min(1).max(200),
      '*': z.string().min(1).max(1000).describe('Artifact path inside the mission folder'),
    }),
    response: { status: 200, description: 'The file.', contentType: 'application/octet-stream' },
    handler: async ({ system, params, reply, principal }) => {
      await requireVisibleMission(viewerOf(system, principal), params.id);
      await system.missions.get(params.id);
      const name = params['*'];
      const content = await system.artifacts.read(params.id, name).catch((error: unknown) => {
        if (
          (error as NodeJS.ErrnoException).code === 'ENOENT' ||
          (error as NodeJS.ErrnoException).code === 'EISDIR'
        ) {
          throw new MagnaError('NOT_FOUND', `Mission ${params.id} has no artifact ${name}.`, {
            details: { name },
          });
        }
        throw error;
      });
      reply.type(CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
      reply.header(
        'content-disposition',
        `inline; filename="${encodeURIComponent(name.split('/').pop() ?? 'artifact')}"`,
      );
      return reply.code(200).send(content);
    },
  }),
];

/** A mission the caller may not see answers as if it did not exist (no probing of ids). */
async function requireVisibleMission(viewer: Viewer, id: string): Promise<void> {
  if (!(await viewer.canSeeMission(id))) {
    throw new MagnaError('NOT_FOUND', `Mission ${id} does not exist.`, { details: { missionId: id } });
  }
}
