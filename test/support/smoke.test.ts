import { startRedis } from './redis-server';
import { createConnection } from 'node:net';

describe('test support', () => {
  it('starts a private redis-server that answers PING', async () => {
    const redis = await startRedis();
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = createConnection({ port: redis.port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
        s.once('data', (d) => {
          resolve(d.toString());
          s.end();
        });
        s.once('error', reject);
      });
      expect(reply).toBe('+PONG\r\n');
    } finally {
      await redis.stop();
    }
  });
});
