/**
 * The model provider port. Everything works without a model: the offline provider says it is
 * unavailable and callers fall back to their deterministic path.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Sampling temperature; 0 (the default) for the most repeatable output. */
  temperature?: number;
  maxTokens?: number;
  /**
   * Streams the reply (server-sent events) and calls this with each piece of text as it arrives;
   * the returned promise still resolves to the whole reply.
   */
  onDelta?: (text: string) => void;
}

export interface ChatProvider {
  /** e.g. "offline" or "openai-compatible:llama3.1". */
  readonly name: string;
  readonly available: boolean;
  /** The assistant's reply text. Throws LLM_UNAVAILABLE when the provider cannot answer. */
  chat(messages: ChatMessage[], options?: ChatOptions): Promise<string>;
}
