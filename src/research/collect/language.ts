import { franc } from 'franc-min';

/** Language of a text: the declared tag wins; otherwise trigram detection (franc) on ≥ 200 chars. */
const ISO3_TO_1: Record<string, string> = {
  eng: 'en',
  deu: 'de',
  fra: 'fr',
  spa: 'es',
  ita: 'it',
  por: 'pt',
  nld: 'nl',
  swe: 'sv',
  dan: 'da',
  nob: 'no',
  fin: 'fi',
  pol: 'pl',
  ces: 'cs',
  rus: 'ru',
  ukr: 'uk',
  tur: 'tr',
  ell: 'el',
  jpn: 'ja',
  cmn: 'zh',
  kor: 'ko',
  arb: 'ar',
  hin: 'hi',
  ind: 'id',
  vie: 'vi',
  ron: 'ro',
  hun: 'hu',
};

/** franc is unreliable on short snippets; below this many characters no language is guessed. */
const MIN_DETECT_CHARS = 200;

export function detectLanguage(text: string, declared?: string | null): string | undefined {
  const tag = declared?.trim().toLowerCase().split(/[-_]/)[0];
  if (tag && /^[a-z]{2,3}$/.test(tag)) return tag;
  if (text.length < MIN_DETECT_CHARS) return undefined;
  const code = franc(text.slice(0, 5000));
  if (code === 'und') return undefined;
  return ISO3_TO_1[code] ?? code;
}
