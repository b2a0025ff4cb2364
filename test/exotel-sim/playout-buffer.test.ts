import { PlayoutBuffer } from '../../services/exotel-sim/src/playout/playout-buffer';

const MS = 16; // bytes per ms at 8 kHz 16-bit

describe('playout buffer', () => {
  it('plays audio at real time and returns a mark only when the audio before it has played', () => {
    const buf = new PlayoutBuffer();
    buf.enqueueAudio(1000 * MS, 0);
    buf.queueMark('m1', 10);
    expect(buf.takeDueMarks(500)).toEqual([]);
    expect(buf.takeDueMarks(999)).toEqual([]);
    expect(buf.takeDueMarks(1000)).toEqual([{ name: 'm1', dueAtMs: 1000 }]);
    expect(buf.takeDueMarks(2000)).toEqual([]);
  });

  it('queues audio behind audio still playing, and a mark on an empty buffer is due at once', () => {
    const buf = new PlayoutBuffer();
    buf.enqueueAudio(200 * MS, 0);
    const second = buf.enqueueAudio(200 * MS, 50);
    expect(second).toEqual({ startsAtMs: 200, wasDry: false, drainedAtMs: 200 });
    expect(buf.bufferedMs(100)).toBe(300);
    const late = buf.enqueueAudio(100 * MS, 450);
    expect(late.wasDry).toBe(true);
    expect(late.drainedAtMs).toBe(400);
    buf.queueMark('after', 460);
    expect(buf.takeDueMarks(540)).toEqual([]);
    expect(buf.takeDueMarks(550)).toEqual([{ name: 'after', dueAtMs: 550 }]);
    buf.queueMark('idle', 900);
    expect(buf.takeDueMarks(900)).toEqual([{ name: 'idle', dueAtMs: 900 }]);
  });

  it('returns marks in the order received', () => {
    const buf = new PlayoutBuffer();
    buf.enqueueAudio(100 * MS, 0);
    buf.queueMark('a', 0);
    buf.enqueueAudio(100 * MS, 0);
    buf.queueMark('b', 0);
    expect(buf.takeDueMarks(150).map((m) => m.name)).toEqual(['a']);
    expect(buf.takeDueMarks(250).map((m) => m.name)).toEqual(['b']);
  });

  it('clear empties the buffer and hands back pending marks (return mode)', () => {
    const buf = new PlayoutBuffer('return');
    buf.enqueueAudio(3000 * MS, 0);
    buf.queueMark('x', 0);
    buf.queueMark('y', 0);
    expect(buf.clear(500)).toEqual(['x', 'y']);
    expect(buf.isPlaying(501)).toBe(false);
    expect(buf.bufferedMs(500)).toBe(0);
    expect(buf.pendingMarkCount).toBe(0);
  });

  it('clear drops pending marks in drop mode', () => {
    const buf = new PlayoutBuffer('drop');
    buf.enqueueAudio(3000 * MS, 0);
    buf.queueMark('x', 0);
    expect(buf.clear(500)).toEqual([]);
    expect(buf.takeDueMarks(10_000)).toEqual([]);
  });
});
