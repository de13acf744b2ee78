import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import { decideUser, evolveUser, initialUserState, type UserCommand, type UserEvent } from './user.js';

const user = deciderSpec<UserCommand, UserEvent, ReturnType<typeof initialUserState>>({
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
});
const registered: UserEvent = { type: 'UserRegistered', data: { userId: 'u', phone: '+4791234567' } };
const member = (operatorId: string): UserEvent => ({
  type: 'MembershipStarted',
  data: { userId: 'u', operatorId },
});

describe('the person', () => {
  it('is registered once by the first verified code', () => {
    user.given([]).when({ type: 'Register', userId: 'u', phone: '+4791234567' }).then([registered]);
    user.given([registered]).when({ type: 'Register', userId: 'v', phone: '+4791234567' }).then([]);
  });

  it('becomes a customer of each operator signed in through, once', () => {
    user
      .given([registered])
      .when({ type: 'JoinOperator', operatorId: 'a' })
      .then([member('a')]);
    user
      .given([registered, member('a')])
      .when({ type: 'JoinOperator', operatorId: 'a' })
      .then([]);
  });

  it('always keeps customer among the roles, in a stable order', () => {
    user
      .given([registered, member('a')])
      .when({ type: 'SetRoles', operatorId: 'a', roles: ['officer', 'operator'] })
      .then([
        {
          type: 'RolesChanged',
          data: { userId: 'u', operatorId: 'a', roles: ['customer', 'operator', 'officer'] },
        },
      ]);
  });

  it('changes nothing when the roles are the same', () => {
    user
      .given([registered, member('a')])
      .when({ type: 'SetRoles', operatorId: 'a', roles: ['customer'] })
      .then([]);
  });

  it('refuses roles at an operator the person is not a customer of', () => {
    user
      .given([registered, member('a')])
      .when({ type: 'SetRoles', operatorId: 'b', roles: ['officer'] })
      .thenThrows('NOT_FOUND');
  });

  it('lets a named grant make the person a member with the role', () => {
    user
      .given([registered])
      .when({ type: 'GrantRole', operatorId: 'b', role: 'operator' })
      .then([
        member('b'),
        { type: 'RolesChanged', data: { userId: 'u', operatorId: 'b', roles: ['customer', 'operator'] } },
      ]);
  });

  it('erases once, with every operator the person was a customer of, and refuses what follows', () => {
    user
      .given([registered, member('a'), member('b')])
      .when({ type: 'Erase' })
      .then([{ type: 'UserErased', data: { userId: 'u', operatorIds: ['a', 'b'] } }]);
    const erased: UserEvent = { type: 'UserErased', data: { userId: 'u', operatorIds: ['a'] } };
    user
      .given([registered, member('a'), erased])
      .when({ type: 'Erase' })
      .thenThrows('NOT_FOUND');
    user
      .given([registered, erased])
      .when({ type: 'ChangeProfile', name: 'x', email: 'x@y.no', address: null })
      .thenThrows('NOT_FOUND');
  });

  it('holds the platform role globally, granted once', () => {
    user
      .given([registered])
      .when({ type: 'GrantPlatform' })
      .then([{ type: 'PlatformRoleGranted', data: { userId: 'u' } }]);
    user
      .given([registered, { type: 'PlatformRoleGranted', data: { userId: 'u' } }])
      .when({ type: 'GrantPlatform' })
      .then([]);
  });

  it('is decided purely: the same history and command give the same events', () => {
    const state = [registered, member('a')].reduce(evolveUser, initialUserState());
    const cmd: UserCommand = { type: 'SetPassword', passwordHash: 'h' };
    expect(decideUser(cmd, state)).toEqual(decideUser(cmd, state));
  });
});
