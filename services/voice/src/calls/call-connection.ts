import type { Logger } from 'pino';
import type { WebSocket, RawData } from 'ws';
import type { AgentConfig } from '../agents/agent-config';
import { CloseCodes, parseInbound, type StartEvent } from '../exotel/stream-protocol';
import { CallSession, type CallDeps, type CallObserver } from '../pipeline/call-session';
import { FrameRateGuard } from './frame-rate-guard';

export interface CallInfo {
  callSid: string;
  streamSid: string;
  agentId: string;
  from?: string;
  to?: string;
  startedAtMs: number;
}

export interface CallLifecycle {
  /** `start` validated: the call is live. Returns the observer for its events. */
  started(info: CallInfo): CallObserver;
  ended(info: CallInfo, reason: string, protocolErrors: number): void;
}

export interface CallConnectionOptions {
  callSid: string;
  agent: AgentConfig;
  logger: Logger;
  deps: Omit<CallDeps, 'logger' | 'observer'>;
  lifecycle: CallLifecycle;
  /** Unknown events tolerated (logged) before the call is closed: Exotel may add events. */
  maxUnknownEvents?: number;
  /** A call that never sends `start` is closed after this long. */
  startTimeoutMs?: number;
  pingIntervalMs?: number;
}

/**
 * Binds one Exotel WebSocket to a CallSession: validates every frame at the edge, answers bad
 * input with a clear close code and a log line, and guarantees the session is ended exactly
 * once whatever way the socket goes.
 */
export class CallConnection {
  private session: CallSession | undefined;
  private info: CallInfo | undefined;
  private readonly guard = new FrameRateGuard();
  private unknownEvents = 0;
  private protocolErrors = 0;
  private closed = false;
  private readonly startTimer: NodeJS.Timeout;
  private readonly pingTimer: NodeJS.Timeout;
  private endReason = 'socket-closed';

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: CallConnectionOptions,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', (err) => {
      // ws emits this for maxPayload (1009) and framing errors before it closes the socket.
      this.protocolErrors++;
      this.opts.logger.warn({ err: err.message }, 'exotel socket error');
    });
    this.startTimer = setTimeout(() => this.fail(CloseCodes.policyViolation, 'no start event'), opts.startTimeoutMs ?? 10_000);
    // The ALB cuts idle connections; pings keep a quiet socket alive and detect dead peers.
    this.pingTimer = setInterval(() => {
      if (ws.readyState === ws.OPEN) ws.ping();
    }, opts.pingIntervalMs ?? 20_000);
    this.pingTimer.unref();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.guard.take(now)) {
      this.fail(CloseCodes.policyViolation, 'frame flood');
      return;
    }
    if (isBinary) {
      this.fail(CloseCodes.unsupportedData, 'binary frames are not part of the Exotel protocol');
      return;
    }
    const parsed = parseInbound(data.toString());
    if (!parsed.ok) {
      if (parsed.error === 'unknown-event') {
        this.unknownEvents++;
        this.opts.logger.warn({ detail: parsed.detail }, 'unknown exotel event ignored');
        if (this.unknownEvents > (this.opts.maxUnknownEvents ?? 20)) this.fail(CloseCodes.policyViolation, 'too many unknown events');
        return;
      }
      this.fail(parsed.error === 'malformed-json' || parsed.error === 'bad-audio' ? 1007 : CloseCodes.policyViolation, `${parsed.error}: ${parsed.detail}`);
      return;
    }
    const ev = parsed.event;
    switch (ev.event) {
      case 'connected':
        return;
      case 'start':
        this.onStart(ev);
        return;
      case 'media':
        if (!this.session) {
          this.fail(CloseCodes.policyViolation, 'media before start');
          return;
        }
        this.session.audio(ev.audio, now);
        return;
      case 'dtmf':
        if (!this.session) return this.fail(CloseCodes.policyViolation, 'dtmf before start');
        this.session.dtmf(ev.dtmf.digit);
        return;
      case 'mark':
        this.session?.mark(ev.mark.name);
        return;
      case 'stop':
        this.endReason = `exotel-stop${ev.stop?.reason ? `:${ev.stop.reason}` : ''}`;
        this.finish();
        this.ws.close(CloseCodes.normal, 'stop');
        return;
    }
  }

  private onStart(ev: StartEvent): void {
    if (this.session) {
      this.opts.logger.warn('duplicate start ignored');
      return;
    }
    clearTimeout(this.startTimer);
    const s = ev.start;
    if (s.call_sid !== this.opts.callSid) {
      // The URL was authorised for one call; a start for another is a replay or a bug.
      this.fail(CloseCodes.policyViolation, 'start.call_sid does not match the stream URL');
      return;
    }
    const rate = s.media_format?.sample_rate;
    if (rate !== undefined && rate !== 8000) {
      this.fail(CloseCodes.policyViolation, `unsupported sample rate ${rate}`);
      return;
    }
    this.info = {
      callSid: s.call_sid,
      streamSid: s.stream_sid,
      agentId: this.opts.agent.agentId,
      ...(s.from !== undefined ? { from: s.from } : {}),
      ...(s.to !== undefined ? { to: s.to } : {}),
      startedAtMs: Date.now(),
    };
    const observer = this.opts.lifecycle.started(this.info);
    this.session = new CallSession(s.call_sid, s.stream_sid, this.opts.agent, {
      send: (frame) => {
        // Exotel speaks JSON text frames only: bytes go out as text too.
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame, { binary: false });
      },
      close: (code, reason) => {
        this.endReason = reason;
        this.ws.close(code, reason);
      },
    }, { ...this.opts.deps, logger: this.opts.logger, observer });
    this.session.start();
  }

  /** Close the call for bad input: log it, close with the code, end the session cleanly. */
  private fail(code: number, reason: string): void {
    if (this.closed) return;
    this.protocolErrors++;
    this.opts.logger.warn({ code, reason }, 'closing exotel stream');
    this.endReason = `protocol:${reason}`;
    this.finish();
    this.ws.close(code, reason.slice(0, 120));
    // A peer that ignores the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private onClose(code: number): void {
    if (code === CloseCodes.tooBig) this.endReason = 'protocol:frame too big';
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.startTimer);
    clearInterval(this.pingTimer);
    this.session?.end(this.endReason);
    if (this.info) this.opts.lifecycle.ended(this.info, this.endReason, this.protocolErrors);
  }
}
