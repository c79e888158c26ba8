/** Time comes in through this port so pure code never reads the wall clock itself. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The adapters' clock: the one place the wall clock is read. */
// eslint-disable-next-line no-restricted-properties
export const systemClock: Clock = { now: () => Date.now() };
