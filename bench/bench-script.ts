import { bargeIn, type CallScript, hangupDuringAgent, pause, say, waitForAgent } from '../services/exotel-sim/src/index';

/**
 * The caller every benchmark call runs: the simulator's `mixed` caller (greeting, a question, a
 * backchannel "ok" over the answer, a barge-in, a hang-up while the agent talks) without its
 * later turns and keypad detour, so a call lasts ~20 s instead of ~36 s. Shorter calls weigh
 * call set-up and tear-down MORE than real 2-3 minute calls do (so our per-call-second figures are
 * pessimistic), and they let a step's in-flight calls drain in ~20 s, which keeps `--quick` short.
 */
const listen = [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' })];

export const benchScript: CallScript = {
  name: 'bench-conversation',
  steps: [
    ...listen, // greeting
    pause(300),
    say(1600),
    waitForAgent({ until: 'speaking' }),
    pause(500),
    say(400, { turn: false }), // "ok" while the agent answers
    waitForAgent({ until: 'silent' }),
    say(1400),
    bargeIn({ afterAgentAudioMs: 800, sayMs: 1000 }),
    hangupDuringAgent({ afterMs: 1500 }), // into the answer to the interruption
  ],
};
