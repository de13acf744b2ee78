// The person, event-sourced (PRODUCT.md "Identity" and "Privacy"): registered by their first verified
// code, a member of each operator they signed in through, roles held per operator, a profile and a
// password, erased on request. Pure: personal data is plain here; the handler seals it before appending.
import { AppError, type Role } from '@parking/contracts';

/** Roles an operator can hold or grant; `platform` is global and `device` is never a person's. */
export type OperatorRole = Extract<Role, 'customer' | 'operator' | 'officer'>;

export type UserEvent =
  | { type: 'UserRegistered'; data: { userId: string; phone: string } }
  | { type: 'MembershipStarted'; data: { userId: string; operatorId: string } }
  | { type: 'RolesChanged'; data: { userId: string; operatorId: string; roles: OperatorRole[] } }
  | { type: 'PlatformRoleGranted'; data: { userId: string } }
  | {
      type: 'ProfileChanged';
      data: { userId: string; name: string; email: string; address: string | null };
    }
  | { type: 'PasswordSet'; data: { userId: string; passwordHash: string } }
  | { type: 'UserErased'; data: { userId: string; operatorIds: string[] } };

/** Fields of each event that are personal data: sealed with the person's key in the event log. */
export const PERSONAL_FIELDS: Partial<Record<UserEvent['type'], string[]>> = {
  UserRegistered: ['phone'],
  ProfileChanged: ['name', 'email', 'address'],
  PasswordSet: ['passwordHash'],
};

export interface UserState {
  userId: string | null;
  memberships: Map<string, OperatorRole[]>;
  platform: boolean;
  erased: boolean;
}

export const initialUserState = (): UserState => ({
  userId: null,
  memberships: new Map(),
  platform: false,
  erased: false,
});

export type UserCommand =
  | { type: 'Register'; userId: string; phone: string }
  | { type: 'JoinOperator'; operatorId: string }
  | { type: 'SetRoles'; operatorId: string; roles: OperatorRole[] }
  /** Adds one role at an operator (a pending grant, the demo staff), keeping the others. */
  | { type: 'GrantRole'; operatorId: string; role: OperatorRole }
  | { type: 'GrantPlatform' }
  | { type: 'ChangeProfile'; name: string; email: string; address: string | null }
  | { type: 'SetPassword'; passwordHash: string }
  | { type: 'Erase' };

const ROLE_ORDER: OperatorRole[] = ['customer', 'operator', 'officer'];
/** Every user is a customer; roles are a set, in a stable order. */
export const normaliseRoles = (roles: OperatorRole[]): OperatorRole[] =>
  ROLE_ORDER.filter((r) => r === 'customer' || roles.includes(r));

const sameRoles = (a: OperatorRole[], b: OperatorRole[]) => a.join() === b.join();

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'Register') {
    if (state.userId) return [];
    return [{ type: 'UserRegistered', data: { userId: command.userId, phone: command.phone } }];
  }
  const userId = state.userId;
  if (!userId || state.erased) throw new AppError('NOT_FOUND', 'No such user');
  switch (command.type) {
    case 'JoinOperator':
      return state.memberships.has(command.operatorId)
        ? []
        : [{ type: 'MembershipStarted', data: { userId, operatorId: command.operatorId } }];
    case 'SetRoles':
    case 'GrantRole': {
      const current = state.memberships.get(command.operatorId);
      // Roles are granted only to the operator's own people (a customer there, or named by the platform).
      if (!current && command.type === 'SetRoles')
        throw new AppError('NOT_FOUND', 'The person is not a customer of this operator');
      const wanted = normaliseRoles(
        command.type === 'SetRoles' ? command.roles : [...(current ?? []), command.role],
      );
      const joined: UserEvent[] = current
        ? []
        : [{ type: 'MembershipStarted', data: { userId, operatorId: command.operatorId } }];
      if (sameRoles(current ?? ['customer'], wanted)) return joined;
      return [
        ...joined,
        { type: 'RolesChanged', data: { userId, operatorId: command.operatorId, roles: wanted } },
      ];
    }
    case 'GrantPlatform':
      return state.platform ? [] : [{ type: 'PlatformRoleGranted', data: { userId } }];
    case 'ChangeProfile':
      return [
        {
          type: 'ProfileChanged',
          data: { userId, name: command.name, email: command.email, address: command.address },
        },
      ];
    case 'SetPassword':
      return [{ type: 'PasswordSet', data: { userId, passwordHash: command.passwordHash } }];
    case 'Erase':
      return [{ type: 'UserErased', data: { userId, operatorIds: [...state.memberships.keys()] } }];
  }
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { ...state, userId: event.data.userId };
    case 'MembershipStarted':
      return { ...state, memberships: new Map(state.memberships).set(event.data.operatorId, ['customer']) };
    case 'RolesChanged':
      return {
        ...state,
        memberships: new Map(state.memberships).set(event.data.operatorId, event.data.roles),
      };
    case 'PlatformRoleGranted':
      return { ...state, platform: true };
    case 'UserErased':
      return { ...state, erased: true };
    default:
      return state;
  }
}
