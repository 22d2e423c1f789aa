import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express from 'express';
import { corsOptions } from './cors.js';

async function corsHeadersFor(setting: string, origin: string) {
  const app = express();
  app.use(cors(corsOptions(setting)));
  app.post('/graphql', (_req, res) => void res.json({}));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const responses = [
      await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }),
      await fetch(url, { method: 'POST', headers: { origin } }),
    ];
    return responses.map((r) => [
      r.headers.get('access-control-allow-origin'),
      r.headers.get('access-control-allow-credentials'),
    ]);
  } finally {
    server.close();
  }
}

describe('CORS_ORIGINS', () => {
  it('answers * with a literal *, never by echoing the caller, and never allows credentials', async () => {
    expect(await corsHeadersFor('*', 'https://evil.example')).toEqual([
      ['*', null],
      ['*', null],
    ]);
  });

  it('echoes only a listed origin', async () => {
    const list = 'https://app.example, http://localhost:3000';
    expect(await corsHeadersFor(list, 'http://localhost:3000')).toEqual([
      ['http://localhost:3000', null],
      ['http://localhost:3000', null],
    ]);
    expect(await corsHeadersFor(list, 'https://evil.example')).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(await corsHeadersFor(list, 'https://app.example.evil.example')).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('sends no CORS headers at all when empty (production default)', async () => {
    expect(await corsHeadersFor('', 'https://app.example')).toEqual([
      [null, null],
      [null, null],
    ]);
  });
});
