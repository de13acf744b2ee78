import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, UseInterceptors, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AppError, type RequestContext } from '@parking/contracts';
import { testNatsConnection, testNatsUrl, uniqueName } from '@parking/testing';
import { z } from 'zod';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RpcClient } from './rpc-client.js';
import { EnvelopeInterceptor, natsTransportOptions, RpcContext } from './rpc-server.js';

const prefix = uniqueName('rpc');
const seen: RequestContext[] = [];

@Controller()
@UseInterceptors(EnvelopeInterceptor)
class EchoController {
  @MessagePattern(`${prefix}.echo`)
  echo(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    seen.push(ctx);
    return { echoed: data };
  }

  @MessagePattern(`${prefix}.refuse`)
  refuse() {
    throw new AppError('RULE_VIOLATED', 'no', { fields: [{ path: 'startDate', message: 'too late' }] });
  }

  @MessagePattern(`${prefix}.validate`)
  validate(@Payload() data: unknown) {
    return z.object({ plate: z.string().min(2) }).parse(data);
  }

  @MessagePattern(`${prefix}.crash`)
  crash() {
    throw new Error('secret database password in this message');
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('request/reply over NATS with a Nest service', () => {
  let app: INestMicroservice;
  let nc: NatsConnection;
  let rpc: RpcClient;
  const ctx: RequestContext = {
    operatorId: 'op-1',
    caller: { kind: 'user', userId: 'u-1', roles: ['customer'] },
    correlationId: 'corr-1',
  };

  beforeAll(async () => {
    // What the tracing SDK does in a service: keep the active context across awaits.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    app = await NestFactory.createMicroservice(EchoModule, {
      ...natsTransportOptions({ url: testNatsUrl(), queue: prefix }),
      logger: false,
    });
    await app.listen();
    nc = await testNatsConnection();
    rpc = new RpcClient(nc, { defaultTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await app.close();
    await nc.close();
  });

  it('round-trips data and carries operator, caller and correlation id', async () => {
    expect(await rpc.request(`${prefix}.echo`, { a: 1 }, ctx)).toEqual({ echoed: { a: 1 } });
    expect(seen.at(-1)).toMatchObject({ operatorId: 'op-1', caller: ctx.caller, correlationId: 'corr-1' });
  });

  it('carries the active trace to the handler', async () => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    await context.with(trace.setSpanContext(context.active(), spanContext), () =>
      rpc.request(`${prefix}.echo`, {}, ctx),
    );
    expect(seen.at(-1)?.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
  });

  it('brings an AppError back with its code and fields', async () => {
    await expect(rpc.request(`${prefix}.refuse`, {}, ctx)).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [{ path: 'startDate', message: 'too late' }],
    });
  });

  it('turns a zod error into VALIDATION naming the field', async () => {
    await expect(rpc.request(`${prefix}.validate`, { plate: 'X' }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [expect.objectContaining({ path: 'plate' })],
    });
  });

  it('answers INTERNAL for an unexpected error without leaking its message', async () => {
    const err: any = await rpc.request(`${prefix}.crash`, {}, ctx).catch((e: unknown) => e);
    expect(err.code).toBe('INTERNAL');
    expect(JSON.stringify(err.toBody())).not.toContain('password');
  });

  it('answers UNAVAILABLE quickly when no service listens', async () => {
    const t0 = Date.now();
    await expect(rpc.request(`${prefix}.nobody`, {}, ctx)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - t0).toBeLessThan(1_500);
  });
});
