export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: readonly ChatMessage[];
  temperature: number;
  maxTokens: number;
}

/** Streaming chat completion: yields text deltas; aborting the signal stops the stream. */
export interface LlmProvider {
  readonly name: string;
  streamChat(req: ChatRequest, signal: AbortSignal): AsyncIterable<string>;
}
