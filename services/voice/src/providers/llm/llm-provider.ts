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

/** Takes each text delta as it arrives; throwing ends the stream with that error. */
export type TokenReceiver = (token: string) => void;

/**
 * Streaming chat completion: pushes text deltas to `onToken` and settles when the answer has
 * ended; aborting the signal stops the stream. Pushed rather than iterated: an async iterator
 * costs promises per token at every layer it passes through (the same reasoning as TtsProvider).
 */
export interface LlmProvider {
  readonly name: string;
  streamChat(req: ChatRequest, signal: AbortSignal, onToken: TokenReceiver): Promise<void>;
}
