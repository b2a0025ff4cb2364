import { bargeIn, type CallScript, dtmf, hangup, hangupDuringAgent, pause, say, waitForAgent } from './steps';

/**
 * Named callers. Speech lengths are those of short phone utterances (1-2.5 s questions, ~0.4 s
 * backchannels) so a call lasts tens of seconds, long enough to overlap many others under load.
 */
const listenToAgent = [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' })];

const greeting = listenToAgent;

function questionAndAnswer(speechMs: number) {
  return [say(speechMs), ...listenToAgent];
}

export const scenarioNames = ['conversation', 'barge-in', 'dtmf', 'silent', 'backchannel', 'mixed'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export const scenarios: Record<ScenarioName, CallScript> = {
  /** Greeting, three question/answer turns, goodbye. */
  conversation: {
    name: 'conversation',
    steps: [
      ...greeting,
      pause(300),
      ...questionAndAnswer(1800),
      pause(400),
      ...questionAndAnswer(2400),
      pause(300),
      ...questionAndAnswer(1500),
      pause(300),
      ...questionAndAnswer(900),
      hangup(),
    ],
  },
  /** The caller interrupts the agent's answer, then listens to the reply to the interruption. */
  'barge-in': {
    name: 'barge-in',
    steps: [
      ...greeting,
      say(1500),
      bargeIn({ afterAgentAudioMs: 700, sayMs: 1200 }),
      ...listenToAgent,
      hangup(),
    ],
  },
  /** Keypad input after the greeting (e.g. "press 1 for sales"), then a spoken turn. */
  dtmf: {
    name: 'dtmf',
    steps: [...greeting, dtmf('1'), pause(1500), dtmf('42#'), pause(1500), ...questionAndAnswer(1200), hangup()],
  },
  /** The caller never speaks; hangs up after the agent's greeting and some dead air. */
  silent: {
    name: 'silent',
    steps: [...greeting, pause(6000), hangup()],
  },
  /** A short "ok" while the agent talks: the agent should keep talking, not answer it. */
  backchannel: {
    name: 'backchannel',
    steps: [
      ...greeting,
      say(1800),
      waitForAgent({ until: 'speaking' }),
      pause(600),
      say(400, { turn: false }),
      waitForAgent({ until: 'silent' }),
      ...questionAndAnswer(1200),
      hangup(),
    ],
  },
  /** For load: a bit of everything in one call, ending with a hang-up while the agent speaks. */
  mixed: {
    name: 'mixed',
    steps: [
      ...greeting,
      ...questionAndAnswer(1600),
      say(2000),
      waitForAgent({ until: 'speaking' }),
      pause(500),
      say(400, { turn: false }),
      waitForAgent({ until: 'silent' }),
      say(1400),
      bargeIn({ afterAgentAudioMs: 800, sayMs: 1000 }),
      ...listenToAgent,
      dtmf('1'),
      pause(1000),
      say(1200),
      hangupDuringAgent({ afterMs: 1500 }),
    ],
  },
};

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}
