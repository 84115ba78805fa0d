/**
 * Command definitions (src/cli/commands/) import only commander; each action's module, and with
 * it the store, the NLP stacks, vega or Fastify, loads when that command runs. `--help` went from
 * about 1.7 s to under 0.3 s on the 2-core machine this way (bench/startup.ts measures it).
 */
// biome-ignore lint/suspicious/noExplicitAny: commander passes an action's arguments untyped.
type Action = (...args: any[]) => unknown;

/** An action that imports `module` when the command runs and calls its export `name`. */
export function lazyAction<M extends Record<K, Action>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const action = (await load())[name];
    await action(...args);
  };
}
