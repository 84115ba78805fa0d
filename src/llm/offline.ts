import { MagnaError } from '../core/errors.js';
import type { ChatProvider } from './chat.js';

/** The provider used when no model is configured. */
export const offlineProvider: ChatProvider = {
  name: 'offline',
  available: false,
  chat() {
    return Promise.reject(
      new MagnaError('LLM_UNAVAILABLE', 'No model provider is configured (llm.baseUrl and llm.model).'),
    );
  },
};
