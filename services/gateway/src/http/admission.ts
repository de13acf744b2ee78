// The gate every API request passes: verify the token (if any), resolve the operator, refuse a token
// issued for another operator (401 on every route), then check the route's access (401 / 403).
import { AppError, hasRole, type Caller } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import type { AccessTokenVerifier, VerifiedToken } from '../auth/access-tokens.js';
import { resolveOperator, type OperatorSnapshot } from '../operators/operator-resolution.js';
import type { Access } from './access.js';

export interface AdmissionRequest {
  access: Access;
  /** True for routes served for no operator. */
  noOperator?: boolean;
  authorization?: string;
  xOperator?: string;
  host?: string;
}

export interface Admitted {
  operator: Operator | null;
  caller: Caller;
}

export interface AdmissionDeps {
  tokens: Pick<AccessTokenVerifier, 'verify'>;
  operators: () => OperatorSnapshot | null;
  /** Whether a device's credentials were revoked (its live tokens are refused at once). */
  deviceRevoked?: (deviceId: string) => boolean;
}

/** The token of `Authorization: Bearer <token>`; '' for any other authorization header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : '';
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

export async function admit(request: AdmissionRequest, deps: AdmissionDeps): Promise<Admitted> {
  const { access } = request;
  const token = bearerToken(request.authorization);
  let verified: VerifiedToken | null = null;
  let tokenError: unknown = null;
  if (token !== undefined) {
    try {
      if (!token) throw unauthenticated('Send the access token as "Authorization: Bearer <token>"');
      verified = await deps.tokens.verify(token);
      if (verified.caller.kind === 'device' && deps.deviceRevoked?.(verified.caller.deviceId)) {
        verified = null;
        throw unauthenticated('The device has been revoked');
      }
    } catch (err) {
      tokenError = err;
    }
  }
  // Public routes ignore a token that does not verify (an expired one on the refresh call, say).
  if (access.kind !== 'anyone') {
    if (token === undefined) throw unauthenticated('Sign in first');
    if (tokenError) throw tokenError;
  }
  const caller: Caller = verified?.caller ?? { kind: 'anonymous' };
  let operator: Operator | null = null;
  if (!request.noOperator) {
    const snapshot = deps.operators();
    if (!snapshot) throw new AppError('UNAVAILABLE', 'The gateway is starting; try again shortly');
    operator = resolveOperator(snapshot, {
      xOperator: request.xOperator,
      host: request.host,
      tokenOperatorId: verified?.operatorId,
    });
    if (verified && verified.operatorId !== operator.id)
      throw unauthenticated('The token was issued for another operator');
  }
  if (access.kind === 'user' && caller.kind !== 'user') {
    throw new AppError('FORBIDDEN', 'Only a signed-in person may do this');
  }
  if (access.kind === 'roles' && !access.roles.some((role) => hasRole(caller, role))) {
    throw new AppError('FORBIDDEN', `Needs the role ${access.roles.join(' or ')}`);
  }
  return { operator, caller };
}
