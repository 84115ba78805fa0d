import { type Command, Option } from 'commander';
import { SYSTEM_ROLES } from '../../core/principal.js';
import { KB_ROLES } from '../../knowledge/access.js';
import { lazyAction } from '../lazy.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function common(cmd: Command): Command {
  return cmd
    .option('--as <principal>', 'act as this principal id (default: the system, which may read everything)')
    .option('--role <role>', `system role of --as (${SYSTEM_ROLES.join(', ')}; default viewer)`)
    .option('--json', 'print JSON');
}

export function register(program: Command): void {
  const kb = program
    .command('kb')
    .description(
      'The shared knowledge base: search, ask, browse entities and facts, ingest, export, import, check.',
    );
  const load = () => import('../actions/kb.js');

  common(
    kb
      .command('search')
      .description(
        'Search passages (hybrid: BM25 + entity match + graph proximity, fused by reciprocal rank fusion).',
      )
      .argument('<query...>', 'words to search for, or a question')
      .addOption(new Option('--mode <mode>', 'ranking').choices(['hybrid', 'keyword']).default('hybrid'))
      .option('--limit <n>', 'most passages', '10')
      .option('--namespace <ns>', 'only this namespace and below (repeatable)', collect),
  ).action(lazyAction(load, 'search'));

  common(
    kb
      .command('ask')
      .description('Answer a question with cited sentences; says "not found" rather than guess.')
      .argument('<question...>')
      .option('--namespace <ns>', 'only this namespace and below (repeatable)', collect),
  ).action(lazyAction(load, 'ask'));

  common(
    kb
      .command('entity')
      .description(
        'Show an entity (by id or name) with its aliases, facts and, with --hops, its graph neighbourhood.',
      )
      .argument('<name-or-id>')
      .option('--hops <n>', 'also walk the graph this many hops (1-4)')
      .option('--namespace <ns>', 'look only in this namespace', collect),
  ).action(lazyAction(load, 'entity'));

  common(
    kb
      .command('facts')
      .description(
        'List facts; --as-of shows what was recorded at a time, --valid-at what was true at a time.',
      )
      .option('--subject <name-or-id>')
      .option('--predicate <name>')
      .option('--object <name-or-id>')
      .option('--as-of <time>', 'knowledge as recorded at this time (ISO date or epoch ms)')
      .option('--valid-at <time>', 'facts true in the world at this time')
      .option('--limit <n>', 'most facts', '200')
      .option('--namespace <ns>', 'only this namespace and below', collect),
  ).action(lazyAction(load, 'facts'));

  common(
    kb
      .command('ingest')
      .description(
        'Ingest files: .txt/.md (one document each), a JSON array of {source,title?,text}, or a research corpus JSON ({sources:[...]}).',
      )
      .argument('<paths...>')
      .option('--namespace <ns>', 'target namespace (default "default")', collect)
      .option('--no-extract', 'skip entity and fact extraction (faster bulk loads)'),
  ).action(lazyAction(load, 'ingest'));

  common(
    kb
      .command('export')
      .description(
        'Export what you may read as JSON Lines (imports back identically) or the graph as RDF N-Triples.',
      )
      .addOption(
        new Option('--format <format>', 'output format').choices(['jsonl', 'ntriples']).default('jsonl'),
      )
      .option('--out <file>', 'write to a file instead of stdout')
      .option('--namespace <ns>', 'only this namespace and below (repeatable)', collect),
  ).action(lazyAction(load, 'exportKb'));

  common(
    kb
      .command('import')
      .description('Import a JSON Lines export (all or nothing; existing records are skipped).')
      .argument('<file>'),
  ).action(lazyAction(load, 'importKb'));

  common(
    kb
      .command('check')
      .description(
        'Maintenance: integrity check (default), duplicate entities, stale-fact expiry, compaction.',
      )
      .option('--duplicates', 'find duplicate entities')
      .option('--merge', 'merge the duplicates found (with --duplicates)')
      .option('--expire', 'expire facts older than their predicate allows')
      .option('--compact', 'delete long-superseded records and optimise the index')
      .option('--namespace <ns>', 'namespaces for duplicate detection', collect),
  ).action(lazyAction(load, 'check'));

  common(
    kb
      .command('grant')
      .description(`Give a principal a role on a namespace and everything below it (${KB_ROLES.join(', ')}).`)
      .argument('<principal>')
      .argument('<namespace>')
      .argument('<role>'),
  ).action(lazyAction(load, 'grant'));
}
