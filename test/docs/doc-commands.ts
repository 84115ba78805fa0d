import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';

/** One `magnatronic …` command as written in the docs. */
export interface DocCommand {
  /** `README.md:43` */
  where: string;
  /** The words after `magnatronic`, as a shell would split them (placeholders kept). */
  words: string[];
  text: string;
}

/** README.md and every Markdown file under docs/. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs];
}

const IN_BLOCK = /^\s*(?:\$\s+)?(?:npx\s+)?magnatronic\s+(.+)$/;
const INLINE = /`(?:npx\s+)?magnatronic\s+([^`]+)`/g;

/**
 * Every command the docs show: lines of fenced code blocks that start with `magnatronic` (or
 * `npx magnatronic`, `$ magnatronic`), and inline code spans that do.
 */
export function extractCommands(file: string, root: string, text = readFileSync(file, 'utf8')): DocCommand[] {
  const commands: DocCommand[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    const where = `${relative(root, file)}:${i + 1}`;
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return;
    }
    const found = fenced ? [IN_BLOCK.exec(line)?.[1]] : [...line.matchAll(INLINE)].map((m) => m[1]);
    for (const raw of found) {
      if (!raw) continue;
      const command = stripComment(raw).trim();
      commands.push({ where, words: shellWords(command), text: `magnatronic ${command}` });
    }
  });
  return commands;
}

/** Drops a trailing `# comment` that is outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  return text;
}

/** Splits like a POSIX shell does for simple quoting: '…' and "…" group, quotes are removed. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** What resolving a documented command against the program found. */
export interface Resolved {
  /** The subcommand path, e.g. ['kb', 'search']. */
  path: string[];
  /** Problems: an unknown subcommand or option. Empty when the command is valid. */
  problems: string[];
  /** Positional words after the path, before the first option. */
  positionals: string[];
  /** Arguments the command requires. */
  required: number;
}

/**
 * Walks the program's subcommands with the documented words, then checks every `--option` named
 * (a synopsis's `[--namespace ns]` included) against the command and the global options.
 */
export function resolveCommand(program: Command, words: string[]): Resolved {
  const path: string[] = [];
  const problems: string[] = [];
  let command = program;
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-') || command.commands.length === 0) break;
    const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      problems.push(`unknown command "${[...path, word].join(' ')}"`);
      return { path, problems, positionals: [], required: 0 };
    }
    path.push(word);
    command = next;
  }
  if (path.length === 0) problems.push('no command named');
  const known = new Set(['--help', '-h', '--version', '-V']);
  for (const c of [command, program])
    for (const option of c.options) {
      if (option.long) known.add(option.long);
      if (option.short) known.add(option.short);
    }
  const rest = words.slice(i);
  const firstOption = rest.findIndex((w) => w.startsWith('-'));
  const positionals = firstOption === -1 ? rest : rest.slice(0, firstOption);
  const required = command.registeredArguments.filter((a) => a.required).length;
  for (const word of rest) {
    const option = word
      .replace(/^\[+/, '')
      .replace(/[\]|.]+$/, '')
      .split('=')[0]!;
    if (!/^--?[a-zA-Z]/.test(option)) continue;
    if (!known.has(option)) problems.push(`unknown option ${option} for "${path.join(' ')}"`);
  }
  return { path, problems, positionals, required };
}
