import { describe, expect, it } from 'vitest';
import { sentences } from '../../src/knowledge/text/sentences.js';

describe('sentence segmentation', () => {
  it('keeps chains of initials and acronyms whole', () => {
    expect(sentences('He joined S.H.I.E.L.D. in 1965. He left later.')).toEqual([
      'He joined S.H.I.E.L.D. in 1965.',
      'He left later.',
    ]);
    expect(sentences('The U.S. Army was founded in 1775. It is large.')).toEqual([
      'The U.S. Army was founded in 1775.',
      'It is large.',
    ]);
    expect(sentences('Author J.W. Smith wrote it in 300 B.C. and later. The O.S. version shipped.')).toEqual([
      'Author J.W. Smith wrote it in 300 B.C. and later.',
      'The O.S. version shipped.',
    ]);
  });

  it('splits after an acronym when the next sentence opens with a function word', () => {
    expect(sentences('He moved to the U.S. In 1990 he returned.')).toEqual([
      'He moved to the U.S.',
      'In 1990 he returned.',
    ]);
  });

  it('keeps titles, numbered abbreviations and decimals whole, but ends at a company suffix before a capital', () => {
    expect(sentences('Dr. Who met St. Peter at No. 5 Main St. today. It costs $3.1 billion.')).toEqual([
      'Dr. Who met St. Peter at No. 5 Main St. today.',
      'It costs $3.1 billion.',
    ]);
    expect(sentences('It was sold to Acme Corp. The deal closed. Widget Inc. for $2 billion.')).toEqual([
      'It was sold to Acme Corp.',
      'The deal closed.',
      'Widget Inc. for $2 billion.',
    ]);
  });

  it('ends a sentence at a line break', () => {
    expect(sentences('Line one\nLine two\n\nPara two.')).toEqual(['Line one', 'Line two', 'Para two.']);
  });
});
