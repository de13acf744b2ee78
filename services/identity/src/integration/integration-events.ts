// What identity tells the other services (outbox → JetStream): operator changes, revoked devices and
// erased people — never personal data.
import {
  IDENTITY_EVENTS,
  type DeviceRevoked,
  type OperatorChanged,
  type UserErased,
} from '@parking/contracts/identity';
import type { RecordedEvent } from '@parking/event-store';

export function integrationEvent(e: RecordedEvent): { subject: string; data: unknown } | null {
  switch (e.type) {
    case 'OperatorRegistered':
    case 'OperatorChanged':
      return { subject: IDENTITY_EVENTS.operatorChanged, data: e.data as OperatorChanged };
    case 'DeviceRevoked':
      return { subject: IDENTITY_EVENTS.deviceRevoked, data: e.data as DeviceRevoked };
    case 'UserErased': {
      const { userId, operatorIds } = e.data as { userId: string; operatorIds: string[] };
      const data: UserErased = { userId, operatorIds, erasedAt: e.createdAt.toISOString() };
      return { subject: IDENTITY_EVENTS.userErased, data };
    }
    default:
      return null;
  }
}
