/**
 * Deadline-ordered vs FIFO TTS scheduling under a saturated ElevenLabs account.
 * 30 calls ask a question at the same moment; the account allows 10 concurrent TTS requests
 * (the plan's Creator tier). Reports time to first agent audio (caller's view) per mode, and
 * whether any 429 reached the provider. Run: npx tsx bench/tts-scheduling.ts [calls] [rounds]
 */
import { startEmulators } from '../services/emulators/src/index';
import { runLoad, hangup, say, waitForAgent, type CallScript } from '../services/exotel-sim/src/index';
import { FileAgentStore } from '../services/voice/src/agents/agent-config';
import { startVoiceService } from '../services/voice/src/app';
import { loadVoiceEnv } from '../services/voice/src/config/env';
import { median as medianOf } from './step-metrics';

const calls = Number(process.argv[2] ?? 30);
const rounds = Number(process.argv[3] ?? 3);

const listen = [waitForAgent({ until: 'speaking', timeoutMs: 60_000 }), waitForAgent({ until: 'silent', timeoutMs: 60_000 })];
// Everyone hears the greeting, then asks at once: 30 multi-sentence answers compete for 10 slots.
const script: CallScript = { name: 'ask-at-once', steps: [...listen, say(1500), ...listen, hangup()] };

async function runMode(mode: 'deadline' | 'fifo') {
  const emu = await startEmulators({
    elevenlabs: { limit: 10, ttfbMs: 150, msPerChar: 50, realtimeFactor: 2 },
    deepgramStt: { limit: 1000 },
    openai: {
      ttftMs: 200,
      tokensPerSecond: 80,
      // Long answers, so calls further into an answer compete with calls starting one.
      replies: [
        'Sure, let me go through your options. The basic plan costs two hundred rupees a month. It includes one hundred minutes of calls. The premium plan adds unlimited data. Both plans can be cancelled at any time. Would you like me to switch you?',
      ],
    },
  });
  const env = loadVoiceEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DEEPGRAM_API_KEY: 'k',
    DEEPGRAM_URL: emu.url,
    OPENAI_API_KEY: 'k',
    OPENAI_BASE_URL: `${emu.url}/v1`,
    ELEVENLABS_API_KEY: 'k',
    ELEVENLABS_BASE_URL: emu.url,
    LIMIT_ELEVENLABS_TTS: '10',
    LIMIT_DEEPGRAM_TTS: '15',
    LIMIT_DEEPGRAM_STT: '100',
    TTS_QUEUE_TIMEOUT_MS: '60000', // measure the queue, not the failover
    TTS_SCHEDULING: mode,
  });
  const voice = await startVoiceService(env, {
    agents: FileAgentStore.fromList([{ agentId: 'default', greeting: 'Hello!', stt: { endpointingMs: 300 } }]),
  });
  try {
    // Calls arrive over a few seconds, so some are deep into an answer while others start one.
    const report = await runLoad({ target: voice.url.replace('http', 'ws'), calls, rampSec: 6, scenario: script, fetchServiceStats: false });
    const el = emu.stats().elevenlabs;
    const stats = (await (await fetch(`${voice.url}/api/stats`)).json()) as { counters: { ttsFailures: number } };
    return {
      mode,
      completed: report.completed,
      firstAudioMs: report.turnLatencyMs,
      lateFrames: report.lateFrames,
      // 429s the provider sent (answered by our one short retry) vs TTS failures a caller could hear.
      elevenlabs429: el.rejected429,
      ttsFailures: stats.counters.ttsFailures,
      elevenlabsMaxConcurrent: el.maxConcurrent,
    };
  } finally {
    await voice.close();
    await emu.close();
  }
}

async function main(): Promise<void> {
  const results: Array<Awaited<ReturnType<typeof runMode>>> = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so drift on a shared machine does not favour one mode.
    for (const mode of r % 2 === 0 ? (['deadline', 'fifo'] as const) : (['fifo', 'deadline'] as const)) {
      const res = await runMode(mode);
      results.push(res);
      process.stderr.write(`${JSON.stringify(res)}\n`);
    }
  }
  const median = (xs: number[]): number => medianOf(xs) ?? Number.NaN;
  const summary = Object.fromEntries(
    (['deadline', 'fifo'] as const).map((mode) => {
      const rs = results.filter((x) => x.mode === mode);
      return [mode, { firstAudioP50Ms: median(rs.map((x) => x.firstAudioMs.p50)), firstAudioP95Ms: median(rs.map((x) => x.firstAudioMs.p95)), lateFrames: median(rs.map((x) => x.lateFrames)), elevenlabs429: Math.max(...rs.map((x) => x.elevenlabs429)), ttsFailures: Math.max(...rs.map((x) => x.ttsFailures)), completed: Math.min(...rs.map((x) => x.completed)) }];
    }),
  );
  process.stdout.write(`${JSON.stringify({ calls, rounds, elevenlabsLimit: 10, summary })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
