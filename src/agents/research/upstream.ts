/**
 * Reads a field from the outputs of upstream tasks: first under the expected step key, then
 * from any upstream output that has it (templates may insert steps, e.g. knowledge, in between).
 */
export function fromUpstream(
  upstream: Record<string, unknown>,
  key: string,
  field: string,
): string | undefined {
  const pick = (value: unknown): string | undefined => {
    const candidate = (value as Record<string, unknown> | null | undefined)?.[field];
    return typeof candidate === 'string' && candidate.length > 0 ? candidate : undefined;
  };
  return (
    pick(upstream[key]) ??
    Object.keys(upstream)
      .sort()
      .map((k) => pick(upstream[k]))
      .find((v) => v !== undefined)
  );
}
