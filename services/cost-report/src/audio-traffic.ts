import type { CallAssumptions } from './call-assumptions';

/**
 * Bytes one call-minute moves on each network path, derived from the codec and the wire
 * formats the service actually uses:
 *  - Exotel ⇄ ALB: JSON text frames carrying base64 of 8 kHz 16-bit mono PCM (protocols/exotel.md).
 *    Exotel streams caller audio continuously (silence included); we send audio only while the
 *    agent speaks, in AudioChunker-sized chunks.
 *  - service → NAT → Deepgram: the caller's PCM as binary WebSocket frames (linear16, 8 kHz),
 *    results back as JSON.
 *  - TTS → NAT → service: pcm_8000 / linear16 audio for what the agent says.
 *  - LLM ⇄ NAT: prompt JSON up, a streamed SSE response down.
 * `mark` events (a few per turn, ~80 B each) are below 0.1 % and left out.
 */
export interface CallMinuteTraffic {
  /** Exotel → ALB (inbound from the internet: free, but processed by the ALB). */
  readonly exotelInboundBytes: number;
  /** ALB → Exotel (out to the internet; processed by the ALB). */
  readonly exotelOutboundBytes: number;
  readonly deepgramUpBytes: number;
  readonly deepgramDownBytes: number;
  readonly ttsUpBytes: number;
  readonly ttsDownBytes: number;
  readonly llmUpBytes: number;
  readonly llmDownBytes: number;
  /** What the billing dimensions see, per call-minute. */
  readonly albProcessedBytes: number;
  readonly natProcessedBytes: number;
  readonly internetOutBytes: number;
  readonly ttsCharacters: number;
  readonly llmInputTokens: number;
  readonly llmOutputTokens: number;
}

const SAMPLE_STREAM_SID = 'a'.repeat(32);
/** HTTP/1.1 request headers for one provider request (auth, content type, host...). */
const HTTP_REQUEST_HEADER_BYTES = 600;
const TLS_MAX_RECORD_BYTES = 16_384;

export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** RFC 6455 frame header: 2 bytes + extended length + 4-byte mask on client-to-server frames. */
export function webSocketHeaderBytes(payloadBytes: number, masked: boolean): number {
  const extended = payloadBytes <= 125 ? 0 : payloadBytes <= 0xffff ? 2 : 8;
  return 2 + extended + (masked ? 4 : 0);
}

/** Size of the JSON text Exotel sends per media frame, payload excluded (typical field widths). */
export function exotelInboundEnvelopeBytes(): number {
  const sample = {
    event: 'media',
    sequence_number: '1234',
    stream_sid: SAMPLE_STREAM_SID,
    media: { chunk: '1234', timestamp: '123456', payload: '' },
  };
  return Buffer.byteLength(JSON.stringify(sample));
}

/** Size of the JSON text the service sends per outbound media chunk, payload excluded. */
export function exotelOutboundEnvelopeBytes(): number {
  const sample = { event: 'media', stream_sid: SAMPLE_STREAM_SID, media: { payload: '' } };
  return Buffer.byteLength(JSON.stringify(sample));
}

export function callMinuteTraffic(a: CallAssumptions): CallMinuteTraffic {
  const pcmBytesPerSecond = a.sampleRateHz * a.bytesPerSample;
  const callerPcmBytes = pcmBytesPerSecond * 60;
  const agentPcmBytes = callerPcmBytes * a.agentTalkShare;

  const inboundFramesPerMinute = 60_000 / a.inboundFrameMs;
  const inboundPcmPerFrame = (pcmBytesPerSecond * a.inboundFrameMs) / 1000;
  const inboundTextPerFrame = exotelInboundEnvelopeBytes() + base64Length(inboundPcmPerFrame);
  const inboundWsPerFrame = inboundTextPerFrame + webSocketHeaderBytes(inboundTextPerFrame, true);
  const exotelInboundWs = inboundFramesPerMinute * inboundWsPerFrame;

  const outboundChunksPerMinute = agentPcmBytes / a.outboundChunkBytes;
  const outboundTextPerChunk = exotelOutboundEnvelopeBytes() + base64Length(a.outboundChunkBytes);
  const outboundWsPerChunk = outboundTextPerChunk + webSocketHeaderBytes(outboundTextPerChunk, false);
  const exotelOutboundWs = outboundChunksPerMinute * outboundWsPerChunk;

  const tls = a.tlsRecordOverheadBytes;
  const exotelInboundBytes = exotelInboundWs + inboundFramesPerMinute * tls;
  const exotelOutboundBytes = exotelOutboundWs + outboundChunksPerMinute * tls;

  // The service forwards each Exotel frame to Deepgram as one binary message.
  const deepgramUpBytes =
    callerPcmBytes + inboundFramesPerMinute * (webSocketHeaderBytes(inboundPcmPerFrame, true) + tls);
  const deepgramDownBytes = a.sttResultBytesPerMinute;

  const ttsCharacters = a.agentTalkShare * 60 * a.ttsCharsPerSpokenSecond;
  // One TTS request per sentence; ~3 sentences per turn.
  const ttsRequestsPerMinute = a.turnsPerMinute * 3;
  const ttsUpBytes = ttsCharacters + ttsRequestsPerMinute * (HTTP_REQUEST_HEADER_BYTES + tls);
  const ttsDownBytes = agentPcmBytes + Math.ceil(agentPcmBytes / TLS_MAX_RECORD_BYTES) * tls;

  const llmInputTokens = a.turnsPerMinute * a.llmInputTokensPerTurn;
  const llmOutputTokens = a.turnsPerMinute * a.llmOutputTokensPerTurn;
  const llmUpBytes = llmInputTokens * a.llmRequestBytesPerInputToken + a.turnsPerMinute * HTTP_REQUEST_HEADER_BYTES;
  const llmDownBytes = llmOutputTokens * a.llmResponseBytesPerOutputToken;

  return {
    exotelInboundBytes,
    exotelOutboundBytes,
    deepgramUpBytes,
    deepgramDownBytes,
    ttsUpBytes,
    ttsDownBytes,
    llmUpBytes,
    llmDownBytes,
    // ALB ProcessedBytes counts HTTP/WebSocket bytes to and from clients (not the TLS records).
    albProcessedBytes: exotelInboundWs + exotelOutboundWs,
    // A NAT gateway bills every byte it processes, in both directions.
    natProcessedBytes: deepgramUpBytes + deepgramDownBytes + ttsUpBytes + ttsDownBytes + llmUpBytes + llmDownBytes,
    // Inbound transfer is free; what leaves AWS for the internet is billed.
    internetOutBytes: exotelOutboundBytes + deepgramUpBytes + ttsUpBytes + llmUpBytes,
    ttsCharacters,
    llmInputTokens,
    llmOutputTokens,
  };
}
