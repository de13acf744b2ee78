// given / when / then for deciders: given past events, when a command, then the new events or an error code.
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface DeciderSpecification<Command, Event> {
  when(command: Command): {
    then(expected: Event[]): void;
    thenThrows(code: string): void;
  };
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: Event[]): DeciderSpecification<Command, Event> {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: Event[]) {
              const actual = run();
              const a = JSON.stringify(actual);
              const e = JSON.stringify(expected);
              if (a !== e) throw new Error(`expected events\n  ${e}\nbut got\n  ${a}`);
            },
            thenThrows(code: string) {
              let thrown: unknown;
              try {
                run();
              } catch (err) {
                thrown = err;
              }
              if (thrown === undefined)
                throw new Error(`expected an error with code ${code}, but the command succeeded`);
              if (codeOf(thrown) !== code)
                throw new Error(`expected error code ${code}, got ${codeOf(thrown)}: ${String(thrown)}`);
            },
          };
        },
      };
    },
  };
}
