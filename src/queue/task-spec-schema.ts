import { z } from 'zod';

/**
 * A task as callers outside the process submit it (POST /tasks, `magnatronic tasks submit`): the
 * fields of TaskSpec a caller may set, with bounds. Who submits it (the actor) comes from the
 * caller's credentials, never from the body.
 */
export const SubmittedTaskSchema = z.strictObject({
  skill: z.string().min(1).max(128),
  input: z.unknown().optional(),
  priority: z.number().int().min(0).max(9).optional(),
  delayMs: z
    .number()
    .int()
    .min(0)
    .max(365 * 86_400_000)
    .optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  dependsOn: z.array(z.string().min(1).max(128)).max(1000).optional(),
  tags: z.array(z.string().min(1).max(200)).max(50).optional(),
});

export type SubmittedTask = z.infer<typeof SubmittedTaskSchema>;

/** Largest batch one submission takes in one transaction (all or none). */
export const SUBMIT_BATCH_MAX = 1000;
