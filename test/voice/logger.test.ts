import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncStdout, createLogger } from '../../services/voice/src/logging/logger';
import { waitUntil } from '../state/helpers';

const ROOT = join(__dirname, '../..');

describe('voice logger (asynchronous stdout)', () => {
  it('writes every line, in order, without blocking the caller', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'out.log');
    const logger = createLogger('info', { env: 'test' }, asyncStdout({ dest: file }));
    for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
    // Nothing is written synchronously: the lines are on their way, not yet in the file.
    expect(readFileSync(file, 'utf8').length).toBeLessThan(500 * 50);
    await waitUntil(() => readFileSync(file, 'utf8').split('\n').length === 501, 5000);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string; env: string });
    expect(lines.map((l) => l.i)).toEqual([...Array(500).keys()]);
    expect(lines[0]).toMatchObject({ msg: 'line', env: 'test' });
  });

  it('still redacts secrets', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'out.log');
    const logger = createLogger('info', {}, asyncStdout({ dest: file }));
    logger.info({ config: { apiKey: 'sk-secret' }, headers: { authorization: 'Bearer x' } }, 'config');
    await waitUntil(() => readFileSync(file, 'utf8').includes('config'), 5000);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('sk-secret');
    expect(text).not.toContain('Bearer x');
    expect(text).toContain('[redacted]');
  });

  it('drops and counts lines beyond its buffer instead of growing without bound', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'out.log');
    const drops = { droppedLines: 0 };
    const logger = createLogger('info', {}, asyncStdout({ dest: file, maxBytes: 2000, drops }));
    // One write is in flight; the rest of this synchronous burst must fit in 2,000 bytes.
    for (let i = 0; i < 200; i++) logger.info({ i, pad: 'x'.repeat(50) }, 'burst');
    expect(drops.droppedLines).toBeGreaterThan(100);
    await new Promise((r) => setTimeout(r, 200));
    const written = readFileSync(file, 'utf8').trim().split('\n').length;
    expect(written + drops.droppedLines).toBe(200);
  });

  it('flushes what is buffered when the process exits', () => {
    // A service that logs and exits at once (a fatal config error, the end of a drain) must not lose its last lines.
    const script = `
      const { createLogger } = require(${JSON.stringify(join(ROOT, 'services/voice/src/logging/logger.ts'))});
      const logger = createLogger('info');
      for (let i = 0; i < 2000; i++) logger.info({ i }, 'before exit');
      process.exit(3);
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(result.status).toBe(3);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2000);
    expect((JSON.parse(lines[1999]!) as { i: number }).i).toBe(1999);
  });
});
