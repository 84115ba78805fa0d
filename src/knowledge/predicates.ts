import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import type { ValueType } from './types.js';

/**
 * The predicate registry: for each predicate, how many values a subject may have at once, whether
 * it changes over time, and what happens when a new value contradicts a current one.
 *  - supersede: the value with the newer valid time wins; the older one is closed or kept as history;
 *  - highest-confidence: the value with the higher confidence × source trust wins, the other is
 *    kept as rejected (ties keep the current value);
 *  - disputed: both values are kept and marked disputed until a curator resolves them.
 * Every contradiction, whatever the policy, is also recorded as a conflict and announced.
 */
export const CONFLICT_POLICIES = ['supersede', 'highest-confidence', 'disputed'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export const predicateSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase letters, digits and _ (e.g. "ceo", "founded_in")'),
  description: z.string().max(500).default(''),
  cardinality: z.enum(['one', 'many']),
  temporal: z.boolean(),
  policy: z.enum(CONFLICT_POLICIES),
  objectKind: z.enum(['entity', 'value']),
  valueType: z.enum(['string', 'number', 'date', 'money', 'quantity', 'boolean']).nullable().default(null),
  /** Facts older than this (by recorded time) expire during maintenance; null keeps them. */
  ttlMs: z.number().int().positive().nullable().default(null),
});

export type PredicateDefinition = z.infer<typeof predicateSchema>;
type P = z.input<typeof predicateSchema>;

const DAY = 24 * 3600_000;

export const BUILTIN_PREDICATES: readonly PredicateDefinition[] = (
  [
    {
      name: 'acquired',
      description: 'The subject organisation acquired the object.',
      cardinality: 'many',
      temporal: true,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'ceo',
      description: 'The chief executive of the subject organisation.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'entity',
    },
    {
      name: 'founded_in',
      description: 'Year the subject was founded.',
      cardinality: 'one',
      temporal: false,
      policy: 'highest-confidence',
      objectKind: 'value',
      valueType: 'date',
    },
    {
      name: 'founded_by',
      description: 'A founder of the subject.',
      cardinality: 'many',
      temporal: false,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'employees',
      description: 'Number of employees of the subject.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'value',
      valueType: 'number',
      ttlMs: 365 * DAY,
    },
    {
      name: 'price',
      description: 'Price of the subject.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'value',
      valueType: 'money',
      ttlMs: 30 * DAY,
    },
    {
      name: 'headquarters',
      description: 'Where the subject is based.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'entity',
    },
    {
      name: 'located_in',
      description: 'A place the subject lies in.',
      cardinality: 'many',
      temporal: false,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'capital',
      description: 'The capital of the subject place.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'entity',
    },
    {
      name: 'population',
      description: 'Population of the subject place.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'value',
      valueType: 'number',
    },
    {
      name: 'born_in',
      description: 'Year or date of birth.',
      cardinality: 'one',
      temporal: false,
      policy: 'disputed',
      objectKind: 'value',
      valueType: 'date',
    },
    {
      name: 'died_in',
      description: 'Year or date of death.',
      cardinality: 'one',
      temporal: false,
      policy: 'disputed',
      objectKind: 'value',
      valueType: 'date',
    },
    {
      name: 'birthplace',
      description: 'Where the subject person was born.',
      cardinality: 'one',
      temporal: false,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'spouse',
      description: 'A spouse of the subject.',
      cardinality: 'many',
      temporal: true,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'employer',
      description: 'An organisation the subject works for.',
      cardinality: 'many',
      temporal: true,
      policy: 'disputed',
      objectKind: 'entity',
    },
    {
      name: 'owned_by',
      description: 'The owner of the subject.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'entity',
    },
    {
      name: 'parent_organization',
      description: 'The organisation the subject belongs to.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'entity',
    },
    {
      name: 'released_in',
      description: 'Year the subject work was released.',
      cardinality: 'one',
      temporal: false,
      policy: 'highest-confidence',
      objectKind: 'value',
      valueType: 'date',
    },
    {
      name: 'instance_of',
      description: 'What kind of thing the subject is ("a low-cost airline").',
      cardinality: 'many',
      temporal: false,
      policy: 'disputed',
      objectKind: 'value',
      valueType: 'string',
    },
    {
      name: 'status',
      description: 'A free-form current status of the subject.',
      cardinality: 'one',
      temporal: true,
      policy: 'supersede',
      objectKind: 'value',
      valueType: 'string',
      ttlMs: 7 * DAY,
    },
  ] satisfies P[]
).map((p) => predicateSchema.parse(p));

export function parsePredicate(input: unknown): PredicateDefinition {
  const parsed = predicateSchema.safeParse(input);
  if (!parsed.success) {
    throw new MagnaError('INVALID_ARGUMENT', 'Invalid predicate definition.', {
      details: issuesToDetails(parsed.error.issues),
    });
  }
  if (parsed.data.objectKind === 'value' && parsed.data.valueType === null) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Predicate ${parsed.data.name}: a value predicate needs a valueType.`,
    );
  }
  return parsed.data;
}

export function unknownPredicate(name: string, known: readonly string[]): MagnaError {
  return new MagnaError(
    'KB_UNKNOWN_PREDICATE',
    `Unknown predicate "${name}". Known predicates: ${known.join(', ')}.`,
    {
      details: { predicate: name },
    },
  );
}

export type { ValueType };
