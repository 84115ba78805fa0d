import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { Encryptor } from '../security/encryption.js';

/**
 * Shared services handed to every agent by the composition root (src/runtime/system.ts).
 * Each module adds its service here as it lands; agents must cope with an optional one missing.
 */
export interface AgentServices {
  /** Encryption at rest for sensitive values an agent stores; pass-through when no key is set. */
  encryption?: Encryptor;
  /** The shared knowledge base (src/knowledge). */
  knowledge?: KnowledgeBase;
  /** Host name resolver for the source policy; the system resolver when absent (tests inject one). */
  resolver?: (hostname: string) => Promise<string[]>;
}
