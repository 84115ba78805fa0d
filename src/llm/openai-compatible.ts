import { MagnaError } from '../core/errors.js';
import type { ChatMessage, ChatOptions, ChatProvider } from './chat.js';

/**
 * Chat completions over the OpenAI-compatible HTTP API (`POST {baseUrl}/chat/completions`), which
 * OpenAI, Ollama, vLLM and the llama.cpp server all speak. No SDK: one request, one JSON answer.
 */
export interface OpenAiCompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

interface CompletionResponse {
  choices?: Array<{ message?: { content?: string | null } }>;
  error?: { message?: string };
}

export class OpenAiCompatibleProvider implements ChatProvider {
  readonly available = true;
  readonly name: string;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.name = `openai-compatible:${options.model}`;
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<string> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.options.model,
          messages,
          temperature: options.temperature ?? 0,
          ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        }),
      });
    } catch (cause) {
      const code = timeout.aborted ? 'TIMEOUT' : 'LLM_UNAVAILABLE';
      throw new MagnaError(
        code,
        `Model provider at ${this.options.baseUrl} did not answer: ${(cause as Error).message}`,
        { cause },
      );
    }
    const body = (await response.json().catch(() => ({}))) as CompletionResponse;
    if (!response.ok) {
      throw new MagnaError(
        'LLM_UNAVAILABLE',
        `Model provider answered HTTP ${response.status}: ${body.error?.message ?? response.statusText}`,
        {
          details: { status: response.status },
        },
      );
    }
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string')
      throw new MagnaError('LLM_UNAVAILABLE', 'Model provider returned no message content.');
    return content;
  }
}
