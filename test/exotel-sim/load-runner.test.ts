import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CallScript, type LoadOptions, type LoadReport, hangup, pause, runLoad, say, scenarios, waitForAgent } from '../../services/exotel-sim/src';
import { verifyStreamSignature } from '../../services/shared/src/stream-signature';
import { type FakeVoiceServer, startFakeVoiceServer } from './support/fake-voice-server';

const shortConversation: CallScript = {
  name: 'short',
  steps: [
    waitForAgent({ until: 'speaking' }),
    waitForAgent({ until: 'silent' }),
    say(400),
    waitForAgent({ until: 'speaking' }),
    waitForAgent({ until: 'silent' }),
    hangup(),
  ],
};

/** A script that would keep each caller on the line for a minute. */
const long: CallScript = { name: 'long', steps: [waitForAgent({ until: 'speaking' }), pause(60_000), hangup()] };

/** One caller on the line first, long-lived callers that hang up at the end, then the step up. */
const runStepUp = (target: string, stepUp: { atSec: number; concurrency: number }, durationSec: number, extra: Partial<LoadOptions> = {}) =>
  runLoad({ target, calls: 0, concurrency: 1, stepUp, durationSec, hangUpAtEnd: true, scenario: long, fetchServiceStats: false, ...extra });

let server: FakeVoiceServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('load runner', () => {
  it('places calls over the ramp, signs each URL, and aggregates what the callers saw', async () => {
    server = await startFakeVoiceServer({
      greetingMs: 400,
      replyMs: 400,
      stats: { turns: { overheadMs: { p50: 12, p95: 30, p99: 41 } } },
    });
    const progress: number[] = [];
    const report = await runLoad({
      target: server.url,
      calls: 3,
      rampSec: 0.4,
      scenario: shortConversation,
      signingKey: { id: 'k9', secret: 'load-secret' },
      agentId: 'agent-7',
      onProgress: (p) => progress.push(p.placed),
      progressIntervalMs: 200,
    });
    expect(report).toMatchObject({ calls: 3, completed: 3, failed: 0, turns: 3, mode: 'ramp', errors: {} });
    expect(report.overheadMs).toEqual({ p50: 12, p95: 30, p99: 41 });
    expect(report.turnLatencyMs.p50).toBeGreaterThan(0);
    expect(report.greetingLatencyMs.p99).toBeGreaterThanOrEqual(report.greetingLatencyMs.p50);
    expect(report.protocolViolations).toBe(0);
    expect(progress[progress.length - 1]).toBe(3);
    const sids = server.connections.map((c) => c.callSid);
    expect(new Set(sids).size).toBe(3);
    for (const conn of server.connections) {
      const check = verifyStreamSignature(conn.callSid, conn.query, [{ id: 'k9', secret: 'load-secret' }]);
      expect(check).toMatchObject({ ok: true, claims: { agentId: 'agent-7' } });
    }
  });

  it('keeps K calls up in steady mode, replacing calls that end, until the duration is over', async () => {
    server = await startFakeVoiceServer({ greetingMs: 400 });
    const tiny: CallScript = { name: 'tiny', steps: [waitForAgent({ until: 'speaking' }), hangup()] };
    const report = await runLoad({ target: server.url, calls: 0, concurrency: 2, durationSec: 1.5, scenario: tiny });
    expect(report.mode).toBe('steady');
    expect(report.peakActiveCalls).toBe(2);
    expect(report.calls).toBeGreaterThan(2); // ended calls were replaced
    expect(report.failed).toBe(0);
    expect(report.overheadMs).toBeNull(); // the fake serves no /api/stats here
  });

  it('with hangUpAtEnd, callers still on the line hang up when the duration is over instead of finishing', async () => {
    server = await startFakeVoiceServer({ greetingMs: 400 });
    const startedAtMs = Date.now();
    const report = await runLoad({ target: server.url, calls: 0, concurrency: 2, durationSec: 1, hangUpAtEnd: true, scenario: long, fetchServiceStats: false });
    expect(Date.now() - startedAtMs).toBeLessThan(20_000);
    expect(report).toMatchObject({ calls: 2, completed: 2, failed: 0, errors: {} });
    // Exotel's hang-up: each call sent `stop` before closing.
    expect(server.connections).toHaveLength(2);
    for (const conn of server.connections) expect(conn.events.filter((e) => e.event === 'stop')).toHaveLength(1);
  });

  it('steps up: the concurrency rises to the second level at atSec and both levels are held', async () => {
    server = await startFakeVoiceServer({ greetingMs: 200 });
    const samples: { elapsedMs: number; active: number }[] = [];
    const report = await runStepUp(server.url, { atSec: 0.8, concurrency: 3 }, 1.6, {
      onProgress: (p) => samples.push({ elapsedMs: p.elapsedMs, active: p.active }),
      progressIntervalMs: 100,
    });
    const before = samples.filter((s) => s.elapsedMs > 200 && s.elapsedMs < 700).map((s) => s.active);
    const after = samples.filter((s) => s.elapsedMs > 1000 && s.elapsedMs < 1500).map((s) => s.active);
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before)).toEqual(new Set([1]));
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after)).toEqual(new Set([3]));
    expect(report).toMatchObject({ calls: 3, completed: 3, failed: 0, peakActiveCalls: 3 });
  });

  it('a step-up due after the duration places no call', async () => {
    server = await startFakeVoiceServer({ greetingMs: 200 });
    const startedAtMs = Date.now();
    const report = await runStepUp(server.url, { atSec: 5, concurrency: 3 }, 0.5);
    expect(report).toMatchObject({ calls: 1, completed: 1, peakActiveCalls: 1 });
    expect(Date.now() - startedAtMs).toBeLessThan(4000); // ended with its duration, not at the step-up
  });

  it('without hangUpAtEnd, in-flight calls run their scripts to the end', async () => {
    server = await startFakeVoiceServer({ greetingMs: 400 });
    const script: CallScript = { name: 'pause', steps: [waitForAgent({ until: 'speaking' }), pause(1500), hangup()] };
    const startedAtMs = Date.now();
    const report = await runLoad({ target: server.url, calls: 0, concurrency: 1, durationSec: 0.2, scenario: script, fetchServiceStats: false });
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(1500);
    expect(report).toMatchObject({ calls: 1, completed: 1 });
  });

  it('counts failures by reason', async () => {
    server = await startFakeVoiceServer({ rejectStatus: 403 });
    const report = await runLoad({ target: server.url, calls: 2, scenario: 'silent', retryHandshake: false, fetchServiceStats: false });
    expect(report).toMatchObject({ calls: 2, completed: 0, failed: 2, errors: { 'handshake-403': 2 } });
    expect(Number.isNaN(report.turnLatencyMs.p95)).toBe(true);
  });

  it('offers the named scenarios', () => {
    expect(Object.keys(scenarios).sort()).toEqual(['backchannel', 'barge-in', 'conversation', 'dtmf', 'mixed', 'silent']);
    const conversationTurns = scenarios.conversation.steps.filter((s) => s.kind === 'say');
    expect(conversationTurns).toHaveLength(4); // three questions and a goodbye
  });
});

describe('CLI', () => {
  const cli = join(__dirname, '../../services/exotel-sim/src/cli.ts');
  const tsx = join(__dirname, '../../node_modules/.bin/tsx');

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(tsx, [cli, ...args], { env: { ...process.env, STREAM_SIGNING_KEY: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints the JSON report as the last stdout line and exits 0 when every call completed', async () => {
    server = await startFakeVoiceServer({ greetingMs: 400 });
    const { code, stdout } = await runCli(['--target', server.url, '--calls', '2', '--scenario', 'silent', '--json']);
    const lines = stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1] ?? '') as LoadReport;
    expect(report).toMatchObject({ calls: 2, completed: 2, failed: 0, scenario: 'silent' });
    expect(code).toBe(0);
  });

  it('exits 1 when a call fails and 2 on bad arguments', async () => {
    server = await startFakeVoiceServer({ rejectStatus: 401 });
    const failed = await runCli(['--target', server.url, '--calls', '1', '--scenario', 'silent']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('handshake-401=1');
    const bad = await runCli(['--calls', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--target is required');
  });
});
