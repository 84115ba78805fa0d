import { z } from 'zod';

/** What content to make, for whom, in what voice and at what length. */
export const CONTENT_FORMATS = [
  'brief',
  'executive-summary',
  'article',
  'faq',
  'social',
  'headlines',
  'product-description',
] as const;
export const AUDIENCES = ['general', 'executive', 'expert'] as const;
export const TONES = ['neutral', 'formal', 'friendly', 'persuasive'] as const;
export const LENGTHS = ['short', 'medium', 'long'] as const;

export type ContentFormat = (typeof CONTENT_FORMATS)[number];
export type Audience = (typeof AUDIENCES)[number];
export type Tone = (typeof TONES)[number];
export type Length = (typeof LENGTHS)[number];

export const contentRequestSchema = z.object({
  format: z.enum(CONTENT_FORMATS),
  topic: z.string().trim().min(1).max(500),
  audience: z.enum(AUDIENCES).default('general'),
  tone: z.enum(TONES).default('neutral'),
  length: z.enum(LENGTHS).default('medium'),
  /** For product descriptions: the product (an entity name) the text describes. */
  subject: z.string().trim().min(1).max(200).optional(),
});

export type ContentRequest = z.output<typeof contentRequestSchema>;
export type ContentRequestInput = z.input<typeof contentRequestSchema>;

/**
 * Facts each format states at each length. Social posts and headlines count items; FAQs count
 * questions. Chosen so a short brief fits a phone screen (~120 words) and a long article stays
 * under ~900 words.
 */
export const FACT_BUDGET: Record<ContentFormat, Record<Length, number>> = {
  brief: { short: 4, medium: 7, long: 12 },
  'executive-summary': { short: 3, medium: 5, long: 8 },
  article: { short: 6, medium: 12, long: 24 },
  faq: { short: 3, medium: 6, long: 10 },
  social: { short: 1, medium: 3, long: 5 },
  headlines: { short: 3, medium: 5, long: 10 },
  'product-description': { short: 3, medium: 6, long: 10 },
};

/**
 * Flesch reading ease each audience should reach: 60 is plain English (readable by 13–15 year
 * olds), 50 is fairly difficult (business press), 30 is academic.
 */
export const READING_EASE_TARGET: Record<Audience, number> = { general: 60, executive: 50, expert: 30 };

/** Facts joined into one sentence about the same subject: none for a general reader. */
export const AGGREGATION: Record<Audience, number> = { general: 1, executive: 2, expert: 3 };
