import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import type { DocumentInput } from '../../src/knowledge/types.js';
import { type TestKb, testKb } from '../knowledge/helpers.js';

/** Three company pages and a city page: facts of every kind the templates phrase. */
export const DOCUMENTS: DocumentInput[] = [
  {
    source: 'https://example.com/acme',
    title: 'Acme Corp',
    text: 'Acme Corp acquired Widget Inc. for $2.5 billion on March 3, 2021. Jane Smith is the CEO of Acme Corp. Acme Corp was founded in 1999. Acme Corp is headquartered in Berlin. Acme Corp has 4,500 employees. The price of Widget Pro is $49.',
  },
  {
    source: 'https://example.com/globex',
    title: 'Globex',
    text: 'Globex is headquartered in Springfield. Globex was founded in 1989 by Hank Scorpio. Globex has 12,000 employees. Initech is a subsidiary of Globex.',
  },
  {
    source: 'https://example.com/voltaris',
    title: 'Voltaris Energy',
    text: 'Voltaris Energy is headquartered in Lyon. Voltaris Energy has 830 employees. Voltaris Energy was founded in 2011. The price of the H-Stack battery is $7,900.',
  },
  {
    source: 'https://example.com/springfield',
    title: 'Springfield',
    text: "Springfield's population is 167,000. Springfield is located in Oregon.",
  },
];

export const NAMESPACE = 'acme/market';

export async function seededKb(): Promise<TestKb> {
  const t = testKb();
  await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: NAMESPACE, documents: DOCUMENTS });
  return t;
}
