import type { EmulatorConfig } from './config';
import type { FaultBoard, ProviderName } from './faults';
import type { ProviderCounters } from './stats';
import type { TranscriptScripts } from './deepgram-stt/transcript-script';
import type { ChatRequestLog } from './openai/chat-request-log';
import type { ReplyPicker } from './openai/reply-text';

/** Shared state the provider routes read: live config, faults, counters, scripts, recorded requests. */
export interface EmulatorContext {
  config: EmulatorConfig;
  faults: FaultBoard;
  counters: Record<ProviderName, ProviderCounters>;
  scripts: TranscriptScripts;
  chatLog: ChatRequestLog;
  replies: ReplyPicker;
}
