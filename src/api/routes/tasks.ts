import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { SUBMIT_BATCH_MAX, SubmittedTaskSchema } from '../../queue/task-spec-schema.js';
import type { Task } from '../../queue/types.js';
import type { System } from '../../runtime/system.js';
import { actorOf } from '../../security/keys.js';
import type { Viewer } from '../../security/visibility.js';
import { defineRoute } from '../route.js';
import { idParam, limitParam, TaskSchema, taskState } from '../schemas.js';
import { viewerOf, visibleTasks } from '../visibility.js';

const stateList = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const states = text.split(',').map((s) => s.trim());
    for (const state of states) {
      if (!taskState.safeParse(state).success) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown state "${state}"; one of ${taskState.options.join(', ')}`,
        });
        return z.NEVER;
      }
    }
    return states as Task['state'][];
  })
  .describe('One state or several separated by commas');

/**
 * POST /tasks takes one task or up to SUBMIT_BATCH_MAX: 10,000 tasks are 10 requests, well inside
 * the default rate limit, and one batch is one transaction (all or none).
 */
const SUBMIT_MAX = SUBMIT_BATCH_MAX;
const NewTaskBody = SubmittedTaskSchema;

/** Largest number of dead tasks one redrive call re-queues. */
const REDRIVE_MAX = 1000;

export const taskRoutes = [
  defineRoute({
    method: 'GET',
    url: '/tasks',
    operationId: 'tasks.list',
    summary: 'List tasks, oldest first, with filters',
    tag: 'tasks',
    permission: 'tasks:read',
    query: z.strictObject({
      state: stateList.optional(),
      skill: z.string().max(128).optional(),
      missionId: z.string().max(200).optional(),
      tag: z.string().max(200).optional(),
      limit: limitParam(1000, 100),
      afterSeq: z.coerce.number().int().min(0).optional().describe('Only tasks with a higher seq (paging)'),
    }),
    response: { status: 200, description: 'Tasks.', schema: z.object({ tasks: z.array(TaskSchema) }) },
    handler: async ({ system, query, principal }) => ({
      tasks: await visibleTasks(system, viewerOf(system, principal), {
        limit: query.limit,
        ...(query.state ? { state: query.state } : {}),
        ...(query.skill ? { skill: query.skill } : {}),
        ...(query.missionId ? { missionId: query.missionId } : {}),
        ...(query.tag ? { tag: query.tag } : {}),
        ...(query.afterSeq !== undefined ? { afterSeq: query.afterSeq } : {}),
      }),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/tasks',
    operationId: 'tasks.create',
    summary: `Enqueue one task, or up to ${SUBMIT_MAX} in one atomic batch`,
    tag: 'tasks',
    permission: 'tasks:create',
    errors: ['QUEUE_UNKNOWN_SKILL', 'QUEUE_INVALID_INPUT', 'QUEUE_INVALID_TASK'],
    body: z.union([NewTaskBody, z.array(NewTaskBody).min(1).max(SUBMIT_MAX)]),
    response: {
      status: 201,
      description:
        'The task (or the unfinished one with the same idempotency key); for an array, `{ tasks }` in the same order.',
      schema: z.union([TaskSchema, z.object({ tasks: z.array(TaskSchema) })]),
    },
    handler: async ({ system, body, principal }) => {
      // A dependency hands its output to this task: only tasks the caller may see qualify.
      const viewer = viewerOf(system, principal);
      for (const item of Array.isArray(body) ? body : [body]) {
        for (const id of item.dependsOn ?? []) await requireVisibleTask(system, viewer, id);
      }
      // The task acts for its submitter, so a skill never reads more than the caller could.
      const actor = actorOf(principal);
      const spec = ({ input, ...rest }: z.infer<typeof NewTaskBody>) => ({
        ...rest,
        input: input ?? {},
        actor,
      });
      if (!Array.isArray(body)) return system.queue.enqueue(spec(body));
      return { tasks: await system.queue.enqueueMany(body.map(spec)) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/tasks/redrive',
    operationId: 'tasks.redrive',
    summary: 'Re-queue dead tasks, optionally of one skill or mission',
    tag: 'tasks',
    permission: 'tasks:manage',
    body: z.strictObject({
      skill: z.string().min(1).max(128).optional(),
      missionId: z.string().min(1).max(200).optional(),
      limit: z.number().int().min(1).max(REDRIVE_MAX).default(100),
    }),
    bodyOptional: true,
    response: {
      status: 200,
      description: 'The re-queued task ids.',
      schema: z.object({ redriven: z.array(z.string()) }),
    },
    handler: async ({ system, body, principal }) => {
      const dead = await visibleTasks(system, viewerOf(system, principal), {
        state: 'dead',
        limit: body.limit,
        ...(body.skill ? { skill: body.skill } : {}),
        ...(body.missionId ? { missionId: body.missionId } : {}),
      });
      const redriven: string[] = [];
      for (const task of dead) redriven.push((await system.queue.redrive(task.id)).id);
      return { redriven };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/tasks/:id',
    operationId: 'tasks.get',
    summary: 'One task',
    tag: 'tasks',
    permission: 'tasks:read',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: { status: 200, description: 'The task.', schema: TaskSchema },
    handler: async ({ system, params, principal }) => {
      const viewer = viewerOf(system, principal);
      return viewer.redactTask(await requireVisibleTask(system, viewer, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/tasks/:id/retry',
    operationId: 'tasks.retry',
    summary: 'Run a dead or cancelled task again, with a fresh attempt count',
    tag: 'tasks',
    permission: 'tasks:manage',
    errors: ['NOT_FOUND', 'QUEUE_TASK_STATE'],
    params: idParam,
    response: { status: 200, description: 'The task, queued.', schema: TaskSchema },
    handler: async ({ system, params, principal }) => {
      const viewer = viewerOf(system, principal);
      const task = await requireVisibleTask(system, viewer, params.id);
      if (task.state !== 'dead' && task.state !== 'cancelled') {
        throw new MagnaError(
          'QUEUE_TASK_STATE',
          `Task ${task.id} is ${task.state}; only dead or cancelled tasks are retried.`,
          {
            details: { taskId: task.id, state: task.state },
          },
        );
      }
      return viewer.redactTask(await system.queue.redrive(task.id));
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/tasks/:id/cancel',
    operationId: 'tasks.cancel',
    summary: 'Cancel an unfinished task (and its dependants)',
    tag: 'tasks',
    permission: 'tasks:manage',
    errors: ['NOT_FOUND', 'QUEUE_TASK_STATE'],
    params: idParam,
    body: z.strictObject({ reason: z.string().min(1).max(500).optional() }),
    bodyOptional: true,
    response: { status: 200, description: 'The cancelled task.', schema: TaskSchema },
    handler: async ({ system, params, body, principal }) => {
      const viewer = viewerOf(system, principal);
      await requireVisibleTask(system, viewer, params.id);
      return viewer.redactTask(
        await system.queue.cancel(params.id, body.reason ?? `cancelled by ${principal.id}`),
      );
    },
  }),
];

/** A task the caller may not see answers as if it did not exist (no probing of ids). */
async function requireVisibleTask(system: System, viewer: Viewer, id: string): Promise<Task> {
  const task = await system.queue.get(id);
  if (!task || !(await viewer.canSeeTask(task))) {
    throw new MagnaError('NOT_FOUND', `No task ${id}.`, { details: { taskId: id } });
  }
  return task;
}
