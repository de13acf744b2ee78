// Who may use a route, declared on the handler: anyone (no decorator), any signed-in person, or holders
// of one of the named roles; and routes that are served for no operator (the dev inbox).
import { SetMetadata } from '@nestjs/common';
import type { Role } from '@parking/contracts';

export type Access = { kind: 'anyone' } | { kind: 'user' } | { kind: 'roles'; roles: Role[] };

export const ACCESS_KEY = 'gateway:access';
export const NO_OPERATOR_KEY = 'gateway:no-operator';

/** The caller must hold one of these roles at the request's operator. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies Access);

/** Any signed-in person (not a device). */
export const AnyUser = () => SetMetadata(ACCESS_KEY, { kind: 'user' } satisfies Access);

/** The route ignores the request's operator (`x-operator`, host, token). */
export const NoOperator = () => SetMetadata(NO_OPERATOR_KEY, true);
