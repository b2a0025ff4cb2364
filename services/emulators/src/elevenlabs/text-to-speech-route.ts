import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AudioFormat } from '../audio/audio-format';
import { speechLikeAudio } from '../audio/speech-like-audio';
import { isKeyAccepted, xiApiKey } from '../auth';
import type { EmulatorContext } from '../context';
import { readJsonBody, sendJson } from '../http/read-json-body';
import { sendPacedAudio } from '../http/paced-audio-response';

/** Output formats the emulator can produce (raw PCM and µ-law; no MP3/Opus encoder here). */
const OUTPUT_FORMATS: Record<string, AudioFormat> = {
  pcm_8000: { encoding: 'linear16', sampleRateHz: 8000, channels: 1 },
  pcm_16000: { encoding: 'linear16', sampleRateHz: 16000, channels: 1 },
  pcm_22050: { encoding: 'linear16', sampleRateHz: 22050, channels: 1 },
  pcm_24000: { encoding: 'linear16', sampleRateHz: 24000, channels: 1 },
  pcm_44100: { encoding: 'linear16', sampleRateHz: 44100, channels: 1 },
  ulaw_8000: { encoding: 'mulaw', sampleRateHz: 8000, channels: 1 },
};

const bodySchema = z
  .object({
    text: z.string().min(1),
    model_id: z.string().optional(),
    voice_settings: z.record(z.unknown()).nullish(),
  })
  .passthrough();

function detail(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { detail: { status: code, message } }, headers);
}

/** POST /v1/text-to-speech/:voiceId[/stream] — ElevenLabs HTTP TTS, chunked raw audio. */
export async function handleElevenLabsTts(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const counters = ctx.counters.elevenlabs;
  counters.countRequest();
  if (!isKeyAccepted(xiApiKey(req.headers), ctx.config.apiKey)) {
    counters.countAuthFailure();
    detail(res, 401, 'invalid_api_key', 'Invalid API key');
    return;
  }
  const outputFormatName = url.searchParams.get('output_format') ?? 'mp3_44100_128';
  const format = OUTPUT_FORMATS[outputFormatName];
  if (format === undefined) {
    detail(res, 400, 'invalid_output_format', `The emulator serves ${Object.keys(OUTPUT_FORMATS).join(', ')}; got ${outputFormatName}`);
    return;
  }
  const body = await readJsonBody(req);
  const parsed = body.ok ? bodySchema.safeParse(body.value) : undefined;
  if (parsed === undefined || !parsed.success) {
    sendJson(res, 422, { detail: [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }] });
    return;
  }
  const limit = ctx.config.elevenlabs.limit;
  const statusFault = ctx.faults.takeStatusFault('elevenlabs');
  if (statusFault !== undefined) {
    counters.countFault();
    if (statusFault.kind === '429') {
      counters.count429();
      detail(res, 429, 'too_many_concurrent_requests', 'Too many concurrent requests (injected fault).', concurrencyHeaders(counters.snapshot().open, limit));
    } else {
      detail(res, statusFault.status ?? 503, 'internal_server_error', 'Internal server error (injected fault).');
    }
    return;
  }
  const timing = { ...ctx.config.elevenlabs };
  const release = counters.tryAcquire(limit);
  if (release === undefined) {
    counters.count429();
    detail(
      res,
      429,
      'too_many_concurrent_requests',
      `Your current subscription is associated with a maximum of ${limit} concurrent requests.`,
      concurrencyHeaders(counters.snapshot().open, limit),
    );
    return;
  }
  const audio = speechLikeAudio(format, parsed.data.text.length * timing.msPerChar);
  sendPacedAudio({
    res,
    audio,
    format,
    timing,
    headers: { 'content-type': 'application/octet-stream', 'request-id': randomUUID(), ...concurrencyHeaders(counters.snapshot().open, limit) },
    fault: ctx.faults.takeStreamFault('elevenlabs'),
    counters,
    release,
  });
}

function concurrencyHeaders(current: number, maximum: number): Record<string, string> {
  return { 'current-concurrent-requests': String(current), 'maximum-concurrent-requests': String(maximum) };
}
