import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { baseServiceConfig, commonConfig, loadConfig, parseConfig } from './config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/agreement';

describe('parseConfig', () => {
  it('names every bad or missing variable in one line', () => {
    expect(() => parseConfig(baseServiceConfig, { HTTP_PORT: 'abc', NODE_ENV: 'staging' })).toThrow(
      'config: NODE_ENV: expected one of development|test|production; DATABASE_URL: required; HTTP_PORT: expected a number',
    );
  });

  it('says a URL is expected without echoing the value', () => {
    let message = '';
    try {
      parseConfig(baseServiceConfig, { DATABASE_URL: 'not a url s3cret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('config: DATABASE_URL: expected a URL');
  });

  it('fills the defaults of a service', () => {
    expect(parseConfig(baseServiceConfig, { DATABASE_URL })).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL,
      NATS_URL: 'nats://127.0.0.1:4222',
      HTTP_PORT: 3001,
      HOST: '127.0.0.1',
      DEMO_DATA: true,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      NATS_STREAM_REPLICAS: 1,
      CONSUMER_RETRY_HOURS: 24,
    });
  });

  it('coerces numbers and reads the OTLP endpoint', () => {
    const config = parseConfig(baseServiceConfig, {
      DATABASE_URL,
      HTTP_PORT: '4100',
      SHUTDOWN_TIMEOUT_MS: '2500',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
    expect(config.HTTP_PORT).toBe(4100);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(2500);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
  });

  it('treats an empty variable as unset', () => {
    const config = parseConfig(baseServiceConfig, {
      DATABASE_URL,
      HTTP_PORT: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    });
    expect(config.HTTP_PORT).toBe(3001);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('loads demo data by default, except in production, unless DEMO_DATA says otherwise', () => {
    expect(parseConfig(baseServiceConfig, { DATABASE_URL }).DEMO_DATA).toBe(true);
    expect(parseConfig(baseServiceConfig, { DATABASE_URL, NODE_ENV: 'production' }).DEMO_DATA).toBe(false);
    expect(
      parseConfig(baseServiceConfig, { DATABASE_URL, NODE_ENV: 'production', DEMO_DATA: 'true' }).DEMO_DATA,
    ).toBe(true);
    expect(parseConfig(baseServiceConfig, { DATABASE_URL, DEMO_DATA: 'false' }).DEMO_DATA).toBe(false);
    expect(() => parseConfig(baseServiceConfig, { DATABASE_URL, DEMO_DATA: 'yes' })).toThrow(
      'config: DEMO_DATA: expected true or false',
    );
  });

  it('stays extendable and refinable by a service, keeping the demo-data default', () => {
    const schema = baseServiceConfig
      .extend({ HTTP_PORT: z.coerce.number().int().default(3003), OTP_KEY: z.string().optional() })
      .superRefine((c, ctx) => {
        if (c.NODE_ENV === 'production' && !c.OTP_KEY)
          ctx.addIssue({ code: 'custom', path: ['OTP_KEY'], message: 'required in production' });
      });
    expect(parseConfig(schema, { DATABASE_URL })).toMatchObject({ HTTP_PORT: 3003, DEMO_DATA: true });
    expect(() => parseConfig(schema, { DATABASE_URL, NODE_ENV: 'production' })).toThrow(
      'config: OTP_KEY: required in production',
    );
  });

  it('gives the gateway the common part without a database, port or demo data', () => {
    const config = parseConfig(commonConfig.extend({ PORT: z.coerce.number().default(8080) }), {});
    expect(config).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      NATS_STREAM_REPLICAS: 1,
      PORT: 8080,
    });
  });
});

describe('loadConfig', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('prints one line to stderr and exits with 1 when the environment is bad', () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exited');
    });
    expect(() => loadConfig(baseServiceConfig, { HTTP_PORT: 'x' })).toThrow('exited');
    expect(exit).toHaveBeenCalledWith(1);
    expect(written).toEqual(['config: DATABASE_URL: required; HTTP_PORT: expected a number\n']);
  });

  it('returns the parsed config when the environment is good', () => {
    expect(loadConfig(baseServiceConfig, { DATABASE_URL }).DATABASE_URL).toBe(DATABASE_URL);
  });
});
