import { bargeIn, type CallScript, hangupDuringAgent, pause, say, waitForAgent } from '../services/exotel-sim/src/index';

const listen = [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' })];

function turn(thinkMs: number, speakMs: number) {
  return [pause(thinkMs), say(speakMs), ...listen];
}

/** A turn whose answer the caller talks over with a short "ok" `okAfterMs` into it (must not interrupt). */
function turnWithBackchannel(thinkMs: number, speakMs: number, okAfterMs: number) {
  return [
    pause(thinkMs),
    say(speakMs),
    waitForAgent({ until: 'speaking' }),
    pause(okAfterMs),
    say(400, { turn: false }),
    waitForAgent({ until: 'silent' }),
  ];
}

/**
 * The stress caller (the default, and every run in docs/benchmarks.md before 2026-12-06): the
 * simulator's `mixed` caller (greeting, a question, a backchannel "ok" over the answer, a barge-in,
 * a hang-up while the agent talks) without its later turns and keypad detour, so a call lasts
 * ~20 s instead of ~36 s. Against the user's plan (3-minute calls of 20 messages) it sets up and
 * tears down 9x as many calls per call-second, asks the LLM and TTS ~3.5x as often (~2.2x the
 * realistic caller below) and cancels
 * two provider requests in every call: a worst case for CPU per call-second, and it lets a step's
 * calls drain in ~20 s, which keeps `--quick` short.
 */
const stress: CallScript = {
  name: 'bench-conversation',
  steps: [
    ...listen, // greeting
    ...turnWithBackchannel(300, 1600, 500),
    say(1400),
    bargeIn({ afterAgentAudioMs: 800, sayMs: 1000 }),
    hangupDuringAgent({ afterMs: 1500 }), // into the answer to the interruption
  ],
};


/**
 * The conversation of the user's plan (shared/seed: 20 messages a call, calls of 3 minutes on
 * average): the greeting, eleven caller utterances of 1.5-5 s after 1-6 s of thought (under the
 * agent's 8 s re-prompt), one backchannel "ok" over an answer, one barge-in, and a "bye" that the
 * agent answers with its goodbye before it hangs up: 23 messages. With the emulators' answers
 * (~5 s of audio) a call lasts ~131 s, shorter than the plan's 3 minutes, so its set-up and
 * tear-down still weigh ~1.4x more per call-second than in the plan.
 */
const realistic: CallScript = {
  name: 'realistic-conversation',
  steps: [
    ...listen, // greeting
    ...turn(1000, 3200),
    ...turn(2500, 4800),
    ...turnWithBackchannel(1500, 3000, 1500),
    ...turn(6000, 4200), // reads out an order number after looking it up
    pause(1200),
    say(2200),
    bargeIn({ afterAgentAudioMs: 2000, sayMs: 1600 }), // "no, not that one"
    ...listen,
    ...turn(3000, 3600),
    ...turn(4000, 2600),
    ...turn(2000, 4000),
    ...turn(3500, 2400),
    ...turn(2000, 1500), // "bye": the agent says goodbye and hangs up
  ],
};

/** What the STT emulator hears in each realistic call, utterance by utterance (backchannels aside). */
const realisticWords = [
  'Hi, I am calling about my order from last week.',
  'It was supposed to arrive yesterday but it has not come yet and nobody called me about it.',
  'Can you check where it is right now?',
  'The order number is four five six seven, and it is under my wife\'s name.',
  'Which address do you have on the order?',
  'No, not that one, the other one.',
  'Yes, the one in Koramangala, near the park.',
  'Can the courier call me before coming?',
  'And can I change the delivery time to the evening after six?',
  'Okay, that works for me.',
  'No, that is all. Thank you, bye.',
];

export interface BenchScript {
  script: CallScript;
  /** About how long one call lasts at real-time pace: a step's ramp spreads its first calls over it. */
  callSec: number;
  /**
   * The STT emulator's transcript lines for this caller, one per utterance; without them it uses
   * its own six, whose sixth says "bye" (the agent then hangs up).
   */
  sttLines?: readonly string[];
}

export type BenchScriptName = 'stress' | 'realistic';

export const BENCH_SCRIPTS: Readonly<Record<BenchScriptName, BenchScript>> = {
  stress: { script: stress, callSec: 20 },
  realistic: { script: realistic, callSec: 130, sttLines: realisticWords },
};
export const BENCH_SCRIPT_NAMES = Object.keys(BENCH_SCRIPTS) as BenchScriptName[];
