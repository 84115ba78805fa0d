import { MagnaError } from '../core/errors.js';

/** Turns texts into vectors. Optional: the knowledge base ranks without it. */
export interface EmbeddingProvider {
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface OpenAiEmbeddingOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** Any OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, llama.cpp server). */
export class OpenAiEmbeddings implements EmbeddingProvider {
  readonly model: string;
  constructor(private readonly options: OpenAiEmbeddingOptions) {
    this.model = options.model;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.model, input: texts }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      throw new MagnaError(
        'LLM_UNAVAILABLE',
        `Embedding endpoint ${url} cannot be reached: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!response.ok) {
      throw new MagnaError('LLM_UNAVAILABLE', `Embedding endpoint ${url} answered ${response.status}.`, {
        details: { status: response.status },
      });
    }
    const body = (await response.json()) as { data?: Array<{ index?: number; embedding?: number[] }> };
    const data = body.data ?? [];
    if (data.length !== texts.length || data.some((d) => !Array.isArray(d.embedding))) {
      throw new MagnaError(
        'LLM_UNAVAILABLE',
        `Embedding endpoint ${url} returned ${data.length} vectors for ${texts.length} texts.`,
      );
    }
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return ordered.map((d) => Float32Array.from(d.embedding ?? []));
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
