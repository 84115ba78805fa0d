import model from 'wink-eng-lite-web-model';
import winkNLP, {
  type ItemEntity,
  type ItemSentence,
  type ItemToken,
  type Document as WinkDocument,
  type WinkMethods,
} from 'wink-nlp';

/**
 * The wink-nlp English pipeline, loaded once per process (the model takes ~150 ms to load).
 * Sentences, tokens with POS and stop-word flags, number/money/percent/date entities and
 * sentence sentiment all come from one pass over each source.
 */
let instance: WinkMethods | undefined;

export function wink(): WinkMethods {
  instance ??= winkNLP(model);
  return instance;
}

export interface TokenInfo {
  text: string;
  normal: string;
  lemma: string;
  pos: string;
  type: string;
  stop: boolean;
}

export interface EntityInfo {
  text: string;
  type: string;
  /** Token index range within the sentence, inclusive. */
  start: number;
  end: number;
}

export interface SentenceInfo {
  index: number;
  text: string;
  sentiment: number;
  tokens: TokenInfo[];
  entities: EntityInfo[];
}

/** Lines that are table rows ("2021 | 310 | 820") are data, not prose; tables are analysed apart. */
export function proseOf(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.includes(' | '))
    .join('\n');
}

/**
 * Sentences of a text, read paragraph by paragraph: a line break always ends a sentence, so a
 * heading or caption is never glued to the paragraph after it.
 */
export function readSentences(text: string): SentenceInfo[] {
  const out: SentenceInfo[] = [];
  for (const paragraph of proseOf(text).split(/\n+/)) {
    if (paragraph.trim()) readParagraph(paragraph, out);
  }
  return out;
}

function readParagraph(paragraph: string, out: SentenceInfo[]): void {
  const nlp = wink();
  const { its } = nlp;
  const doc: WinkDocument = nlp.readDoc(paragraph);
  doc.sentences().each((sentence: ItemSentence) => {
    const [first] = sentence.out(its.span) as unknown as [number, number];
    const tokens: TokenInfo[] = [];
    sentence.tokens().each((token: ItemToken) => {
      tokens.push({
        text: token.out(),
        normal: token.out(its.normal),
        lemma: token.out(its.lemma as unknown as typeof its.normal),
        pos: token.out(its.pos),
        type: token.out(its.type),
        stop: token.out(its.stopWordFlag) as unknown as boolean,
      });
    });
    const entities: EntityInfo[] = [];
    sentence.entities().each((entity: ItemEntity) => {
      const [start, end] = entity.out(its.span) as unknown as [number, number];
      entities.push({
        text: entity.out(),
        type: entity.out(its.type),
        start: start - first,
        end: end - first,
      });
    });
    out.push({
      index: out.length,
      text: sentence.out().replace(/\s+/g, ' ').trim(),
      sentiment: sentence.out(its.sentiment) as unknown as number,
      tokens,
      entities,
    });
  });
}
