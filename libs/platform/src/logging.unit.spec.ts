import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, maskPhones, NestPinoLogger } from './logging.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ name: 'test', level: 'trace', destination });
  return {
    logger,
    lines,
    text: () => lines.join('\n'),
    json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('writes one JSON object per line with level, time, service and message', () => {
    const { logger, json } = capture();
    logger.info({ agreementId: 'a-1' }, 'purchased');
    expect(json()[0]).toMatchObject({ level: 'info', service: 'test', agreementId: 'a-1', msg: 'purchased' });
    expect(typeof json()[0]!.time).toBe('string');
  });

  it('never writes phone numbers, codes, passwords or tokens found in objects', () => {
    const { logger, text } = capture();
    logger.info({ phone: '+4791234567', code: '123456', otp: '654321' }, 'sms sent');
    logger.info(
      { body: { password: 'hunter2hunter2', refreshToken: 'rt-abc', cardToken: 'tok_visa_4242' } },
      'login',
    );
    logger.info({ user: { credentials: { token: 'jwt-xyz', clientSecret: 'cs-999' } } }, 'deep');
    logger.info(
      { req: { headers: { authorization: 'Bearer eyJabc', cookie: 'sid=cookie-val' } } },
      'request',
    );
    logger.child({ phone: '+4798765432' }).info('child binding');
    const out = text();
    for (const secret of [
      '91234567',
      '123456',
      '654321',
      'hunter2',
      'rt-abc',
      'tok_visa',
      'jwt-xyz',
      'cs-999',
      'eyJabc',
      'cookie-val',
      '98765432',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('masks phone numbers inside messages and error messages', () => {
    const { logger, text } = capture();
    logger.info('sent a code to +4791234567');
    logger.info({ agreementId: 'a-1' }, 'texting +47 912 34 567 about %s', 'renewal +4791234568');
    logger.error({ err: new Error('no user with phone +4791234569') }, 'lookup failed');
    const out = text();
    expect(out).not.toMatch(/912\s?34\s?56[789]|4791234/);
    expect(out).toContain('+47******67');
    expect(out).toContain('renewal');
  });

  it('keeps an error code readable while redacting the key "code" elsewhere', () => {
    const { logger, json } = capture();
    logger.error({ err: Object.assign(new Error('duplicate'), { code: '23505' }) }, 'insert failed');
    expect((json()[0]!.err as Record<string, unknown>).errorCode).toBe('23505');
  });

  it('adapts Nest log calls to JSON with their context', () => {
    const { logger, json } = capture();
    const nest = new NestPinoLogger(logger);
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionHandler');
    expect(json()[0]).toMatchObject({
      level: 'info',
      context: 'RouterExplorer',
      msg: 'Mapped {/health, GET} route',
    });
    expect(json()[1]).toMatchObject({ level: 'error', context: 'ExceptionHandler', msg: 'boom' });
  });

  it('masks every common way of writing an E.164 number', () => {
    expect(maskPhones('a +4791234567 b')).toBe('a +47******67 b');
    expect(maskPhones('+47-912-34-567')).toBe('+47******67');
    expect(maskPhones('order 12345678')).toBe('order 12345678');
  });
});
