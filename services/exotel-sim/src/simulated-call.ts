import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { callerAudio } from './audio/caller-audio';
import { FRAME_MS, bytesToMs } from './audio/pcm-format';
import type { CallResult, CloseInfo, TurnResult } from './call-result';
import { type FrameClock, monotonicNowMs, sharedFrameClock } from './frame-clock';
import { LateFrameDetector, UTTERANCE_END_SILENCE_MS } from './playout/late-frame-detector';
import { type MarksOnClear, PlayoutBuffer } from './playout/playout-buffer';
import { CallerEventWriter } from './protocol/caller-events';
import { type ProtocolViolation, type ViolationKind, inspectServiceMessage } from './protocol/service-messages';
import { type CallScript, type ScriptStep, isListeningStep } from './script/steps';
import { ConnectError, type ConnectOptions, openStream } from './stream-connection';

export interface SimulatedCallOptions extends ConnectOptions {
  /** The full stream URL (signed or not); user:pass in it becomes basic auth. */
  url: string;
  script: CallScript;
  callSid?: string;
  streamSid?: string;
  accountSid?: string;
  from?: string;
  to?: string;
  /** Echoed in `start.custom_parameters`; default: the URL's query parameters, as Exotel does. */
  customParameters?: Record<string, string>;
  /** What happens to pending marks on `clear`: 'return' them at once (default, as Twilio) or 'drop'. */
  marksOnClear?: MarksOnClear;
  /** Send sequence numbers, chunk and DTMF duration as strings (the other reading of Exotel's docs). */
  numbersAsStrings?: boolean;
  clock?: FrameClock;
}

type WaitOutcome = 'ok' | 'timeout' | 'closed' | 'aborted';

interface Waiter {
  isDone: (nowMs: number) => boolean;
  deadlineMs: number;
  resolve: (outcome: WaitOutcome) => void;
}

const MAX_STORED_VIOLATIONS = 20;
const DEFAULT_MAX_CALL_MS = 5 * 60_000;
const CLOSE_GRACE_MS = 3000;

function randomSid(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/**
 * One simulated Exotel call: opens the stream, sends `connected`/`start`, then a media frame on
 * every tick of the shared clock (speech or comfort noise) while running the caller's script; plays
 * the service's audio out in real time, returns marks once their audio has played, honours
 * `clear`, and measures what the caller experiences.
 */
export class SimulatedCall {
  readonly callSid: string;
  readonly streamSid: string;
  private readonly options: SimulatedCallOptions;
  private readonly clock: FrameClock;
  private readonly writer: CallerEventWriter;
  private readonly playout: PlayoutBuffer;
  private readonly lateFrames = new LateFrameDetector();
  private readonly audio = callerAudio();

  private ws: WebSocket | undefined;
  private openedAtMs = 0;
  private startSentAtMs = 0;
  private unsubscribeClock: (() => void) | undefined;
  private waiter: Waiter | undefined;
  private closed = false;
  private closeInfo: CloseInfo | null = null;
  private closedSignal: Promise<void> | undefined;
  private hangingUp = false;
  /** The caller hung up mid-script on request (hangUpNow): a normal end, not a failure. */
  private cutShort = false;
  private aborted: string | null = null;

  // Caller audio
  private chunk = 0;
  private speechCursor = 0;
  private silenceCursor = 0;
  private speakFramesLeft = 0;
  private currentSpeech: { turnKind: TurnResult['kind'] | null } = { turnKind: null };

  // Agent audio
  private agentFramesReceived = 0;
  private lastAgentAudioAtMs = Number.NEGATIVE_INFINITY;
  private playingSinceMs = Number.NEGATIVE_INFINITY;
  private awaitingReply: TurnResult | undefined;
  private pendingBargeIn: { turn: TurnResult | null; speechStartedAtMs: number } | undefined;
  /** A clear that arrives while the barge-in speech is still being sent, before its turn exists. */
  private pendingClearAfterMs: number | null = null;

  private readonly result: CallResult;

  constructor(options: SimulatedCallOptions) {
    this.options = options;
    this.clock = options.clock ?? sharedFrameClock;
    this.callSid = options.callSid ?? randomSid('CA');
    this.streamSid = options.streamSid ?? randomSid('ST');
    this.playout = new PlayoutBuffer(options.marksOnClear ?? 'return');
    this.writer = new CallerEventWriter(
      {
        streamSid: this.streamSid,
        callSid: this.callSid,
        accountSid: options.accountSid ?? 'sim-account',
        from: options.from ?? '+919800000001',
        to: options.to ?? '+918000000001',
        customParameters: options.customParameters ?? Object.fromEntries(new URL(options.url).searchParams),
      },
      options.numbersAsStrings ?? false,
    );
    this.result = {
      callSid: this.callSid,
      streamSid: this.streamSid,
      scenario: options.script.name,
      completed: false,
      failureReason: null,
      greetingLatencyMs: null,
      turns: [],
      lateFrames: this.lateFrames.stats,
      protocolViolations: [],
      violationCounts: {},
      close: null,
      durationMs: 0,
      framesSent: 0,
      agentAudioReceivedMs: 0,
      marksReturned: 0,
      clearsReceived: 0,
      dtmfSent: 0,
    };
  }

  /** Places the call and runs the script to the end. Never rejects: failures are in the result. */
  async run(): Promise<CallResult> {
    const beganAtMs = monotonicNowMs();
    this.openedAtMs = beganAtMs;
    try {
      this.ws = await openStream(this.options.url, this.options);
    } catch (err) {
      this.result.failureReason = err instanceof ConnectError ? err.reason : 'connect-error';
      this.result.durationMs = monotonicNowMs() - beganAtMs;
      return this.result;
    }
    this.openedAtMs = monotonicNowMs();
    this.attach(this.ws);
    this.send(this.writer.connected());
    this.send(this.writer.start());
    this.startSentAtMs = monotonicNowMs();
    this.unsubscribeClock = this.clock.subscribe((nowMs) => this.onTick(nowMs));

    if (this.cutShort) {
      this.hangUp('callended');
      this.result.completed = true;
    } else {
      await this.runScript();
    }
    await this.ensureClosed();
    this.result.close = this.closeInfo;
    this.result.durationMs = monotonicNowMs() - this.openedAtMs;
    return this.result;
  }

  private attach(ws: WebSocket): void {
    this.closedSignal = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closed = true;
        this.closeInfo = { code, reason: reason.toString(), by: this.hangingUp ? 'caller' : 'service' };
        this.stopTicking();
        this.settleWaiter('closed');
        resolve();
      });
    });
    // A reset connection also emits 'close'; the error itself adds nothing to the report.
    ws.on('error', () => undefined);
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.onMessage(data, isBinary));
  }

  private send(text: string): void {
    if (this.ws !== undefined && !this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  private stopTicking(): void {
    this.unsubscribeClock?.();
    this.unsubscribeClock = undefined;
  }

  // ---- the 100 ms heartbeat -------------------------------------------------------------------

  private onTick(nowMs: number): void {
    if (this.closed) return;
    this.returnDueMarks(nowMs);
    this.sendCallerFrame(nowMs);
    const maxMs = this.options.script.maxDurationMs ?? DEFAULT_MAX_CALL_MS;
    if (this.aborted === null && nowMs - this.openedAtMs > maxMs) {
      this.aborted = 'max-duration';
      this.settleWaiter('aborted');
      return;
    }
    this.checkWaiter(nowMs);
  }

  private sendCallerFrame(nowMs: number): void {
    this.chunk += 1;
    let payload: string;
    if (this.speakFramesLeft > 0) {
      payload = this.audio.speech[this.speechCursor++ % this.audio.speech.length] ?? '';
      this.speakFramesLeft -= 1;
      this.lateFrames.callerSpoke(nowMs);
      if (this.speakFramesLeft === 0) this.speechEnded(nowMs);
    } else {
      payload = this.audio.silence[this.silenceCursor++ % this.audio.silence.length] ?? '';
    }
    this.send(this.writer.media(this.chunk, this.chunk * FRAME_MS, payload));
    this.result.framesSent += 1;
  }

  private speechEnded(nowMs: number): void {
    const kind = this.currentSpeech.turnKind;
    if (kind === null) return;
    const turn: TurnResult = {
      index: this.result.turns.length + 1,
      kind,
      speechEndedAtMs: nowMs - this.openedAtMs,
      latencyMs: null,
    };
    if (kind === 'barge-in' && this.pendingBargeIn !== undefined) {
      turn.clearAfterMs = null;
      this.pendingBargeIn.turn = turn;
    }
    this.result.turns.push(turn);
    this.awaitingReply = turn;
  }

  // ---- what the service sends ----------------------------------------------------------------

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const nowMs = monotonicNowMs();
    // Marks whose audio finished before this frame arrived go back first, in time order.
    this.returnDueMarks(nowMs);
    if (isBinary) {
      this.violation('binary-frame', 'binary WebSocket frame', nowMs);
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.isBuffer(data)
        ? data.toString()
        : Buffer.from(data).toString();
    const inspected = inspectServiceMessage(text, this.streamSid);
    for (const v of inspected.violations) this.violation(v.kind, v.detail, nowMs);
    const message = inspected.message;
    if (message === undefined) return;
    switch (message.event) {
      case 'media':
        this.onAgentAudio(message.payloadBytes, nowMs);
        break;
      case 'mark':
        this.playout.queueMark(message.name, nowMs);
        this.returnDueMarks(nowMs);
        break;
      case 'clear':
        this.onClear(nowMs);
        break;
    }
    this.checkWaiter(nowMs);
  }

  private onAgentAudio(bytes: number, nowMs: number): void {
    this.agentFramesReceived += 1;
    this.lastAgentAudioAtMs = nowMs;
    this.result.agentAudioReceivedMs += bytesToMs(bytes);
    const { wasDry, drainedAtMs, startsAtMs } = this.playout.enqueueAudio(bytes, nowMs);
    this.lateFrames.agentAudio(nowMs, wasDry, drainedAtMs);
    if (wasDry) this.playingSinceMs = startsAtMs;
    if (this.result.greetingLatencyMs === null) this.result.greetingLatencyMs = nowMs - this.startSentAtMs;
    if (this.awaitingReply !== undefined) {
      this.awaitingReply.latencyMs = nowMs - this.openedAtMs - this.awaitingReply.speechEndedAtMs;
      this.awaitingReply = undefined;
    }
  }

  private onClear(nowMs: number): void {
    this.result.clearsReceived += 1;
    for (const name of this.playout.clear(nowMs)) this.returnMark(name, nowMs);
    this.lateFrames.cleared();
    const bargeIn = this.pendingBargeIn;
    if (bargeIn !== undefined) {
      if (bargeIn.turn !== null) bargeIn.turn.clearAfterMs = nowMs - bargeIn.speechStartedAtMs;
      else this.pendingClearAfterMs = nowMs - bargeIn.speechStartedAtMs;
      this.pendingBargeIn = undefined;
    }
  }

  private returnDueMarks(nowMs: number): void {
    if (this.playout.pendingMarkCount === 0) return;
    for (const mark of this.playout.takeDueMarks(nowMs)) this.returnMark(mark.name, mark.dueAtMs);
  }

  private returnMark(name: string, playedAtMs: number): void {
    this.send(this.writer.mark(name));
    this.lateFrames.markReturned(playedAtMs);
    this.result.marksReturned += 1;
  }

  private violation(kind: ViolationKind, detail: string, nowMs: number): void {
    this.result.violationCounts[kind] = (this.result.violationCounts[kind] ?? 0) + 1;
    if (this.result.protocolViolations.length < MAX_STORED_VIOLATIONS) {
      const v: ProtocolViolation = { kind, detail, atMs: Math.round(nowMs - this.openedAtMs) };
      this.result.protocolViolations.push(v);
    }
  }

  // ---- the script ----------------------------------------------------------------------------

  private async runScript(): Promise<void> {
    const steps = this.options.script.steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step === undefined) break;
      const outcome = await this.runStep(step);
      if (outcome === 'ok') continue;
      if (outcome === 'hung-up') break;
      if (outcome === 'closed') {
        if (this.cutShort) {
          this.result.completed = true;
          return;
        }
        // The service ended the call. Fine if the caller had nothing left to say (a goodbye).
        const rest = steps.slice(i);
        if (this.aborted === null && rest.every(isListeningStep)) {
          this.result.completed = true;
        } else {
          this.result.failureReason = this.aborted ?? `closed-by-service:${this.closeInfo?.code ?? 'unknown'}`;
        }
        return;
      }
      this.result.failureReason = outcome === 'aborted' ? (this.aborted ?? 'aborted') : outcome;
      this.hangUp('callended');
      return;
    }
    if (this.closed) {
      this.result.completed = this.aborted === null;
      if (this.aborted !== null) this.result.failureReason = this.aborted;
      return;
    }
    // A script that ends without hanging up: the caller puts the phone down.
    this.hangUp('callended');
    this.result.completed = true;
  }

  private async runStep(step: ScriptStep): Promise<'ok' | 'hung-up' | 'closed' | 'aborted' | string> {
    if (this.closed) return 'closed';
    if (this.aborted !== null) return 'aborted';
    switch (step.kind) {
      case 'say':
        return this.speak(step.ms, step.turn ? 'answer' : null);
      case 'pause':
        return this.pause(step.ms);
      case 'waitForAgent': {
        const outcome = step.until === 'speaking' ? await this.agentSpeaking(step.timeoutMs) : await this.agentSilent(step.timeoutMs);
        return outcome === 'timeout' ? `timeout:agent-${step.until}` : outcome;
      }
      case 'bargeIn': {
        const speaking = await this.agentSpeaking(step.timeoutMs);
        if (speaking !== 'ok') return speaking === 'timeout' ? 'timeout:agent-speaking' : speaking;
        const heard = await this.waitUntil(
          (now) => !this.playout.isPlaying(now) || now - this.playingSinceMs >= step.afterAgentAudioMs,
          step.timeoutMs,
        );
        if (heard !== 'ok') return heard === 'timeout' ? 'timeout:agent-speaking' : heard;
        this.pendingBargeIn = { turn: null, speechStartedAtMs: monotonicNowMs() };
        this.pendingClearAfterMs = null;
        const spoke = await this.speak(step.sayMs, 'barge-in');
        const turn = this.result.turns[this.result.turns.length - 1];
        if (turn?.kind === 'barge-in' && this.pendingClearAfterMs !== null) {
          turn.clearAfterMs = this.pendingClearAfterMs;
          this.pendingClearAfterMs = null;
        }
        return spoke;
      }
      case 'dtmf':
        for (const digit of step.digits) {
          this.send(this.writer.dtmf(digit, step.durationMs));
          this.result.dtmfSent += 1;
          // A keypress is caller input like speech: the agent's next audio starts a new utterance.
          this.lateFrames.callerSpoke(monotonicNowMs());
          // Keypresses are separate events spaced like a person's, one per frame at the fastest.
          const gap = await this.pause(FRAME_MS);
          if (gap !== 'ok') return gap;
        }
        return 'ok';
      case 'hangup':
        this.hangUp(step.reason);
        return 'hung-up';
      case 'hangupDuringAgent': {
        const speaking = await this.agentSpeaking(step.timeoutMs);
        if (speaking !== 'ok') return speaking === 'timeout' ? 'timeout:agent-speaking' : speaking;
        const waited = await this.pause(step.afterMs);
        if (waited !== 'ok') return waited;
        this.hangUp(step.reason);
        return 'hung-up';
      }
    }
  }

  private speak(ms: number, turnKind: TurnResult['kind'] | null): Promise<WaitOutcome> {
    this.speakFramesLeft = Math.max(1, Math.round(ms / FRAME_MS));
    this.currentSpeech = { turnKind };
    // A later clear belongs to this speech, not to an earlier barge-in the service never cleared.
    if (turnKind !== 'barge-in') this.pendingBargeIn = undefined;
    return this.waitUntil(() => this.speakFramesLeft === 0, Infinity);
  }

  private pause(ms: number): Promise<WaitOutcome> {
    const untilMs = monotonicNowMs() + ms;
    return this.waitUntil((now) => now >= untilMs, Infinity);
  }

  private agentSpeaking(timeoutMs: number): Promise<WaitOutcome> {
    const seenBefore = this.agentFramesReceived;
    return this.waitUntil((now) => this.playout.isPlaying(now) || this.agentFramesReceived > seenBefore, timeoutMs);
  }

  private agentSilent(timeoutMs: number): Promise<WaitOutcome> {
    return this.waitUntil(
      (now) => now - Math.max(this.playout.drainsAtMs, this.lastAgentAudioAtMs) >= UTTERANCE_END_SILENCE_MS,
      timeoutMs,
    );
  }

  private waitUntil(isDone: (nowMs: number) => boolean, timeoutMs: number): Promise<WaitOutcome> {
    if (this.closed) return Promise.resolve('closed');
    const nowMs = monotonicNowMs();
    if (isDone(nowMs)) return Promise.resolve('ok');
    return new Promise((resolve) => {
      this.waiter = { isDone, deadlineMs: nowMs + timeoutMs, resolve };
    });
  }

  private checkWaiter(nowMs: number): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    if (waiter.isDone(nowMs)) this.settleWaiter('ok');
    else if (nowMs >= waiter.deadlineMs) this.settleWaiter('timeout');
  }

  private settleWaiter(outcome: WaitOutcome): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(outcome);
  }

  // ---- ending the call -----------------------------------------------------------------------

  /**
   * The caller puts the phone down now, wherever the script is: how a load run ends calls that
   * would otherwise run on for minutes after its window. Exotel's usual hang-up (`stop`, then
   * close), and the call counts as completed.
   */
  hangUpNow(): void {
    if (this.closed || this.hangingUp) return;
    this.cutShort = true;
    if (this.ws === undefined) return; // still connecting: run() hangs up once it is through
    this.hangUp('callended');
    this.settleWaiter('closed');
  }

  /** Exotel's side of a hang-up: `stop`, then close. */
  private hangUp(reason: string): void {
    if (this.closed || this.hangingUp) return;
    this.hangingUp = true;
    this.stopTicking();
    this.send(this.writer.stop(reason));
    this.ws?.close(1000, 'call ended');
  }

  private async ensureClosed(): Promise<void> {
    if (this.closed || this.ws === undefined) return;
    this.hangUp('callended');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([this.closedSignal, grace]);
    clearTimeout(timer);
    if (!this.closed) this.ws.terminate();
    await this.closedSignal;
  }
}
