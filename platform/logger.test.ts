import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('logger redaction', () => {
  it('never writes passwords, tokens or authorization headers', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        req: { headers: { authorization: 'Bearer eyJsecret', 'x-clutch-internal-secret': 'internal-s3cret' } },
        input: { email: 'a@b.c', password: 'hunter22hunter22' },
        refreshToken: 'rt-secret-value',
      },
      'login',
    );
    const out = lines.join('');
    expect(out).toContain('a@b.c');
    for (const secret of ['eyJsecret', 'internal-s3cret', 'hunter22hunter22', 'rt-secret-value']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});
