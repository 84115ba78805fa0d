import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { issuesToDetails, MagnaError } from '../../core/errors.js';
import { SUBMIT_BATCH_MAX, type SubmittedTask, SubmittedTaskSchema } from '../../queue/task-spec-schema.js';
import type { TaskSpec } from '../../queue/types.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, output, parseIntOption, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';

interface SubmitOptions extends GlobalOptions {
  input?: string;
  priority?: string;
  idempotencyKey?: string;
  maxAttempts?: string;
  tag?: string[];
  file?: string;
  agents?: string[];
}

/**
 * `tasks submit <skill> --input JSON` queues one task; `tasks submit --file tasks.jsonl` streams a
 * JSON Lines file, one task per line as POST /tasks takes it. Every line is checked (shape, skill,
 * input schema) before anything is written, so a bad line stores nothing; the tasks are then written
 * in transactions of SUBMIT_BATCH_MAX, one commit each.
 */
export async function submit(skill: string | undefined, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<SubmitOptions>();
  if (opts.file && skill) throw invalid('Give a skill or --file, not both.');
  if (!opts.file && !skill) throw invalid('Give the skill to run, or --file with one task per line.');
  const extra = await loadAgentModules(opts.agents);
  // Queues into an existing home only: a mistyped --home must not start an empty store.
  const system = await openSystem({ ...systemOptions(opts), ...extra, create: false });
  try {
    const specs = opts.file ? await readTaskLines(opts.file) : [singleTask(skill!, opts)];
    // Validate all before writing any: prepare() checks skill, input schema and options.
    for (const spec of specs) {
      try {
        system.queue.prepare(spec);
      } catch (error) {
        if (!opts.file || !(error instanceof MagnaError)) throw error;
        throw new MagnaError(error.code, `line ${spec.line} of ${opts.file}: ${error.message}`, {
          ...(error.details ? { details: error.details } : {}),
          cause: error,
        });
      }
    }
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < specs.length; i += SUBMIT_BATCH_MAX) {
      const batch = specs.slice(i, i + SUBMIT_BATCH_MAX).map(({ line: _line, ...spec }) => spec);
      for (const task of await system.queue.enqueueMany(batch)) ids.push(task.id);
    }
    const seconds = (performance.now() - started) / 1000;
    if (!opts.file) {
      const task = await system.queue.require(ids[0]!);
      output(opts, task, () => `queued task ${task.id} (${task.skill}, priority ${task.priority})`);
      return;
    }
    const rate = seconds > 0 ? Math.round(ids.length / seconds) : ids.length;
    output(
      opts,
      { submitted: ids.length, seconds: Number(seconds.toFixed(3)), ids },
      () =>
        // Rate = tasks written / wall time of the writes (validation and start-up not counted).
        `queued ${ids.length} ${ids.length === 1 ? 'task' : 'tasks'} from ${opts.file} in ${seconds.toFixed(2)} s (${rate} tasks/s written)`,
    );
  } finally {
    await system.close();
  }
}

type NumberedSpec = TaskSpec & { line: number };

function singleTask(skill: string, opts: SubmitOptions): NumberedSpec {
  let input: unknown = {};
  if (opts.input !== undefined) {
    try {
      input = JSON.parse(opts.input);
    } catch (cause) {
      throw invalid(`--input is not valid JSON: ${(cause as Error).message}`);
    }
  }
  return {
    ...checked(
      {
        skill,
        input,
        ...(opts.priority !== undefined
          ? { priority: parseIntOption('priority', opts.priority, { min: 0, max: 9 }) }
          : {}),
        ...(opts.maxAttempts !== undefined
          ? { maxAttempts: parseIntOption('max-attempts', opts.maxAttempts, { min: 1, max: 100 }) }
          : {}),
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        ...(opts.tag ? { tags: opts.tag } : {}),
      },
      'the task',
    ),
    line: 0,
  };
}

/** Reads JSON Lines from a file (or stdin for `-`); blank lines are ignored. */
async function readTaskLines(path: string): Promise<NumberedSpec[]> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') return resolve();
    stream.once('open', () => resolve());
    stream.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new MagnaError(
          cause.code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
          `Cannot read ${path}: ${cause.message}`,
          { cause },
        ),
      ),
    );
  });
  await opened;
  const specs: NumberedSpec[] = [];
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw invalid(`line ${line} of ${path} is not valid JSON: ${(cause as Error).message}`);
    }
    specs.push({ ...checked(json, `line ${line} of ${path}`), line });
  }
  if (specs.length === 0) throw invalid(`${path} holds no tasks.`);
  return specs;
}

function checked(value: unknown, where: string): SubmittedTask {
  const parsed = SubmittedTaskSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = issuesToDetails(parsed.error.issues);
  throw new MagnaError(
    'INVALID_ARGUMENT',
    `${where} is not a task: ${details.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { details },
  );
}

function invalid(message: string): MagnaError {
  return new MagnaError('INVALID_ARGUMENT', message);
}
