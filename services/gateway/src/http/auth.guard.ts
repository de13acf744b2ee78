// The global guard: admits the request (token, operator, access) and keeps what it learnt on the request.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DEPS, type Deps } from '../deps.js';
import { ACCESS_KEY, NO_OPERATOR_KEY, type Access } from './access.js';
import { admit } from './admission.js';
import { incomingTrace } from './trace-context.js';

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(DEPS) private readonly deps: Deps,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const access = this.reflector.getAllAndOverride<Access>(ACCESS_KEY, targets) ?? { kind: 'anyone' };
    const noOperator = this.reflector.getAllAndOverride<boolean>(NO_OPERATOR_KEY, targets) ?? false;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const { operator, caller } = await admit(
      {
        access,
        noOperator,
        authorization: header(req, 'authorization'),
        xOperator: header(req, 'x-operator'),
        host: req.host,
      },
      {
        tokens: this.deps.tokens,
        operators: () => this.deps.operators.snapshot(),
        deviceRevoked: (id) => this.deps.revokedDevices.has(id),
      },
    );
    req.gateway = {
      operator,
      ctx: {
        operatorId: operator?.id ?? '',
        caller,
        correlationId: req.id,
        clientAddress: req.ip,
        ...incomingTrace(req.headers),
      },
    };
    return true;
  }
}
