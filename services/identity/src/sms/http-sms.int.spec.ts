// The HTTP SMS-gateway adapter against a local HTTP server standing in for the provider: the request it
// sends, retries with backoff on 5xx and 429, no retry on a 4xx refusal, and a timeout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSms } from './sms.port.js';

describe('the HTTP SMS gateway adapter', () => {
  let server: http.Server;
  let url: string;
  let answers: number[] = [];
  const received: { auth?: string; body: unknown }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        const status = answers.shift() ?? 200;
        if (status === 0) return; // never answers
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const message = { operatorSlug: 'demo', sender: 'DemoPark', phone: '+4791234567', text: 'Hei' };

  it('posts the sender, the number and the text with its credential', async () => {
    received.length = 0;
    await new HttpSms({ url, token: 'secret-token' }).send(message);
    expect(received).toEqual([
      { auth: 'Bearer secret-token', body: { from: 'DemoPark', to: '+4791234567', text: 'Hei' } },
    ]);
  });

  it('retries a 5xx and a 429 with backoff, then succeeds', async () => {
    received.length = 0;
    answers = [503, 429, 200];
    await new HttpSms({ url, retries: 3 }).send(message);
    expect(received).toHaveLength(3);
  });

  it('gives up after its retries', async () => {
    received.length = 0;
    answers = [500, 500, 500];
    await expect(new HttpSms({ url, retries: 2 }).send(message)).rejects.toThrow(/500/);
    expect(received).toHaveLength(3);
  });

  it('does not retry a refusal', async () => {
    received.length = 0;
    answers = [400];
    await expect(new HttpSms({ url, retries: 3 }).send(message)).rejects.toThrow(/refused: 400/);
    expect(received).toHaveLength(1);
  });

  it('times out a provider that does not answer, and retries', async () => {
    received.length = 0;
    answers = [0, 200];
    await new HttpSms({ url, retries: 1, timeoutMs: 300 }).send(message);
    expect(received).toHaveLength(2);
  });
});
