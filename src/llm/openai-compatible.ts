import { setTimeout as sleep } from 'node:timers/promises';
import { MagnaError } from '../core/errors.js';
import type { ChatMessage, ChatOptions, ChatProvider } from './chat.js';
import { readEventStream } from './sse.js';

/**
 * Chat completions over the OpenAI-compatible HTTP API (`POST {baseUrl}/chat/completions`), which
 * OpenAI, Ollama, vLLM and the llama.cpp server all speak. No SDK: one request, one JSON answer,
 * or a stream of server-sent events when the caller asks for deltas. HTTP 429 is retried after the
 * server's Retry-After (at most `maxRetries` times, each wait capped at `maxRetryWaitMs`), then
 * reported as LLM_RATE_LIMITED.
 */
export interface OpenAiCompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** Retries after HTTP 429 (default 2). */
  maxRetries?: number;
  /** Longest wait for one retry (default 10 s); a longer Retry-After fails at once. */
  maxRetryWaitMs?: number;
}

interface CompletionResponse {
  choices?: Array<{ message?: { content?: string | null } }>;
  error?: { message?: string };
}

/** Retry-After in ms: delta seconds or an HTTP date; 1 s when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number {
  if (!header) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - now);
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
    const stream = options.onDelta !== undefined;
    const body = JSON.stringify({
      model: this.options.model,
      messages,
      temperature: options.temperature ?? 0,
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
      ...(stream ? { stream: true } : {}),
    });
    const maxRetries = this.options.maxRetries ?? 2;
    const maxWait = this.options.maxRetryWaitMs ?? 10_000;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            ...(stream ? { accept: 'text/event-stream' } : {}),
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body,
        });
      } catch (cause) {
        throw this.failure(cause, timeout);
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
        await response.body?.cancel();
        if (attempt >= maxRetries || wait > maxWait) {
          throw new MagnaError(
            'LLM_RATE_LIMITED',
            `Model provider at ${this.options.baseUrl} is rate limiting (HTTP 429) after ${attempt + 1} attempts.`,
            { details: { attempts: attempt + 1, retryAfterMs: wait } },
          );
        }
        try {
          await sleep(wait, undefined, { signal });
        } catch (cause) {
          throw this.failure(cause, timeout);
        }
        continue;
      }
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))) as CompletionResponse;
        throw new MagnaError(
          'LLM_UNAVAILABLE',
          `Model provider answered HTTP ${response.status}: ${error.error?.message ?? response.statusText}`,
          { details: { status: response.status } },
        );
      }
      try {
        return stream ? await this.readStream(response, options.onDelta!) : await this.readJson(response);
      } catch (cause) {
        if (cause instanceof MagnaError) throw cause;
        throw this.failure(cause, timeout);
      }
    }
  }

  private failure(cause: unknown, timeout: AbortSignal): MagnaError {
    const code = timeout.aborted ? 'TIMEOUT' : 'LLM_UNAVAILABLE';
    return new MagnaError(
      code,
      `Model provider at ${this.options.baseUrl} did not answer: ${(cause as Error).message}`,
      { cause },
    );
  }

  private async readJson(response: Response): Promise<string> {
    const body = (await response.json().catch(() => ({}))) as CompletionResponse;
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string')
      throw new MagnaError('LLM_UNAVAILABLE', 'Model provider returned no message content.');
    return content;
  }

  private async readStream(response: Response, onDelta: (text: string) => void): Promise<string> {
    if (!response.body) throw new MagnaError('LLM_UNAVAILABLE', 'Model provider returned an empty stream.');
    let text = '';
    let done = false;
    for await (const data of readEventStream(response.body)) {
      if (data === '[DONE]') {
        done = true;
        break;
      }
      let chunk: { choices?: Array<{ delta?: { content?: string | null } }>; error?: { message?: string } };
      try {
        chunk = JSON.parse(data);
      } catch (cause) {
        throw new MagnaError('LLM_UNAVAILABLE', 'Model provider sent a stream event that is not JSON.', {
          cause,
        });
      }
      if (chunk.error) {
        throw new MagnaError(
          'LLM_UNAVAILABLE',
          `Model provider failed mid-stream: ${chunk.error.message ?? 'error'}`,
        );
      }
      const delta = chunk.choices?.[0]?.delta?.content;
      if (typeof delta === 'string' && delta.length > 0) {
        text += delta;
        onDelta(delta);
      }
    }
    // A stream cut before [DONE] is an incomplete answer, not a short one.
    if (!done)
      throw new MagnaError('LLM_UNAVAILABLE', 'Model provider closed the stream before it finished.');
    return text;
  }
}
