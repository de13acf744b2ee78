// The control sanction («kontrollsanksjon») of one violation: issued once, with the amount and due date
// of the operator's settings (never the attendant's), numbered per operator; cancelled with a reason.
import { AppError, type Money } from '@parking/contracts';

export interface SanctionIssuedData {
  sanctionId: string;
  number: number;
  violationId: string;
  plate: string;
  country: string;
  zone: string;
  amount: Money;
  issuedAt: string;
  dueDate: string;
  note: string | null;
  issuedBy: string;
}
export interface SanctionCancelledData {
  sanctionId: string;
  reason: string;
  cancelledAt: string;
  cancelledBy: string;
}
export type SanctionEvent =
  | { type: 'SanctionIssued'; data: SanctionIssuedData }
  | { type: 'SanctionCancelled'; data: SanctionCancelledData };

export type SanctionState =
  | { status: 'none' }
  | { status: 'issued'; sanction: SanctionIssuedData }
  | { status: 'cancelled'; sanction: SanctionIssuedData; cancellation: SanctionCancelledData };

export type SanctionCommand =
  | {
      type: 'IssueSanction';
      data: Omit<SanctionIssuedData, 'dueDate'> & { dueDays: number; timeZone: string };
    }
  | { type: 'CancelSanction'; data: SanctionCancelledData };

export const initialState = (): SanctionState => ({ status: 'none' });

export function evolve(state: SanctionState, event: SanctionEvent): SanctionState {
  switch (event.type) {
    case 'SanctionIssued':
      return { status: 'issued', sanction: event.data };
    case 'SanctionCancelled':
      return state.status === 'issued'
        ? { status: 'cancelled', sanction: state.sanction, cancellation: event.data }
        : state;
  }
}

/** The calendar date `days` after the issue day, in the zone's time zone. */
export function dueDate(issuedAt: string, days: number, timeZone: string): string {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(issuedAt));
  const [y, m, d] = local.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function decide(command: SanctionCommand, state: SanctionState): SanctionEvent[] {
  switch (command.type) {
    case 'IssueSanction': {
      if (state.status !== 'none')
        throw new AppError('CONFLICT', 'This violation already has a sanction', {
          data: { sanctionId: state.sanction.sanctionId },
        });
      const { dueDays, timeZone, ...issued } = command.data;
      return [
        {
          type: 'SanctionIssued',
          data: { ...issued, dueDate: dueDate(issued.issuedAt, dueDays, timeZone) },
        },
      ];
    }
    case 'CancelSanction':
      if (state.status === 'none') throw new AppError('NOT_FOUND', 'sanction not found');
      if (state.status === 'cancelled') throw new AppError('CONFLICT', 'The sanction is already cancelled');
      return [{ type: 'SanctionCancelled', data: command.data }];
  }
}

export const sanctionDecider = { decide, evolve, initialState };
