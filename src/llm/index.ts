import type { MagnaConfig } from '../core/config.js';
import type { ChatProvider } from './chat.js';
import { offlineProvider } from './offline.js';
import { OpenAiCompatibleProvider } from './openai-compatible.js';

export type { ChatMessage, ChatOptions, ChatProvider } from './chat.js';
export { offlineProvider } from './offline.js';
export { OpenAiCompatibleProvider } from './openai-compatible.js';

/** The configured chat provider: OpenAI-compatible when llm.baseUrl and llm.model are set, else offline. */
export function createChatProvider(config: Pick<MagnaConfig, 'llm'>): ChatProvider {
  const { baseUrl, model, apiKey, timeoutMs } = config.llm;
  if (!baseUrl || !model) return offlineProvider;
  return new OpenAiCompatibleProvider({ baseUrl, model, timeoutMs, ...(apiKey ? { apiKey } : {}) });
}
