/**
 * Shared services handed to every agent by the composition root (src/runtime/system.ts).
 * Each module adds its service here as it lands; agents must cope with an optional one missing.
 */
export interface AgentServices {
  /** Set by the knowledge module. */
  knowledge?: unknown;
}
