import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * One agent's configuration. Every knob has its default here, in one place; agents.json (local
 * mode) or MongoDB (when MONGODB_URI is set) only override what they name.
 */
export const agentConfigSchema = z.object({
  agentId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/),
  name: z.string().max(128).default('Assistant'),
  systemPrompt: z
    .string()
    .max(20_000)
    .default('You are a helpful phone assistant. Answer in one to three short spoken sentences.'),
  greeting: z.string().max(1000).default('Hello! How can I help you today?'),
  language: z.string().max(16).default('en-IN'),
  voice: z
    .object({
      provider: z.enum(['elevenlabs', 'deepgram']).default('elevenlabs'),
      voiceId: z.string().max(128).default('21m00Tcm4TlvDq8ikWAM'),
      /** ElevenLabs model id, or the Deepgram Aura model name. */
      model: z.string().max(64).default('eleven_flash_v2_5'),
      /** The other provider's voice, used when this one fails; unset → that provider's default voice. */
      fallbackVoiceId: z.string().max(128).optional(),
    })
    .default({}),
  llm: z
    .object({
      model: z.string().max(64).default('gpt-4o-mini'),
      temperature: z.number().min(0).max(2).default(0.4),
      maxTokens: z.number().int().min(16).max(4096).default(200),
      /** Conversation turns kept in the prompt (system prompt always kept). */
      maxHistoryMessages: z.number().int().min(2).max(200).default(30),
    })
    .default({}),
  stt: z
    .object({
      model: z.string().max(64).default('nova-3'),
      /** Silence (ms) after speech before Deepgram marks speech_final. */
      endpointingMs: z.number().int().min(10).max(5000).default(300),
      /** UtteranceEnd after this much silence, for turns that never get speech_final. */
      utteranceEndMs: z.number().int().min(1000).max(5000).default(1000),
    })
    .default({}),
  bargeIn: z
    .object({
      enabled: z.boolean().default(true),
      /** Interim words needed before the caller cuts the agent off ("ok", "hmm" do not). */
      minWords: z.number().int().min(1).max(20).default(2),
      /** Or this much continuous caller speech, whatever the words. */
      minSpeechMs: z.number().int().min(0).max(10_000).default(800),
      backchannels: z.array(z.string().max(32)).default(['ok', 'okay', 'hmm', 'mhm', 'uh-huh', 'yes', 'yeah', 'right', 'haan', 'accha']),
    })
    .default({}),
  silence: z
    .object({
      /** Caller silent this long after the agent finished → re-prompt. */
      repromptAfterMs: z.number().int().min(1000).max(120_000).default(8000),
      maxReprompts: z.number().int().min(0).max(10).default(2),
      repromptText: z.string().max(500).default('Are you still there?'),
      goodbyeText: z.string().max(500).default("I haven't heard from you, so I'll end the call now. Goodbye!"),
    })
    .default({}),
  /** Said when the LLM fails, so the caller never hears dead air. */
  apologyText: z.string().max(500).default("Sorry, I'm having trouble right now. Could you say that again?"),
  holdText: z.string().max(500).default('Please hold on, connecting you in a moment.'),
  busyGoodbyeText: z.string().max(500).default('Sorry, all our lines are busy. Please call again shortly. Goodbye!'),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

export interface AgentStore {
  get(agentId: string): Promise<AgentConfig | null>;
}

export function parseAgentConfig(input: unknown): AgentConfig {
  return agentConfigSchema.parse(input);
}

/** Local mode: agents from a JSON file (array of agent configs), validated at start-up. */
export class FileAgentStore implements AgentStore {
  private constructor(private readonly agents: Map<string, AgentConfig>) {}

  static async load(path: string): Promise<FileAgentStore> {
    const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
    return FileAgentStore.fromList(raw);
  }

  static fromList(raw: unknown): FileAgentStore {
    const list = z.array(z.unknown()).parse(raw);
    const agents = new Map<string, AgentConfig>();
    for (const item of list) {
      const agent = parseAgentConfig(item);
      if (agents.has(agent.agentId)) throw new Error(`duplicate agentId ${agent.agentId}`);
      agents.set(agent.agentId, agent);
    }
    return new FileAgentStore(agents);
  }

  async get(agentId: string): Promise<AgentConfig | null> {
    return this.agents.get(agentId) ?? null;
  }

  ids(): string[] {
    return [...this.agents.keys()];
  }
}
