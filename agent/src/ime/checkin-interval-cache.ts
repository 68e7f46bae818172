// The check-in interval the service last sent (`CheckinIntervalMinutes` of the app-list reply, ime.md §6).
// The IME caches it ("[Policy] check in interval from cache is : 3600 seconds", §1.3.11); where it keeps that
// cache is not known, so ours lives as long as the agent process [I]: a restarted agent checks in at once
// (AgentRestart) and learns the value again before it schedules the next timer.

/** The last server-sent check-in interval, shared by the check-in (writer) and the service timer (reader). */
export interface CheckinIntervalCache {
  /** Minutes, when the service has sent a positive value. */
  serverMinutes(): number | undefined;
  /** Keeps a value from an app-list reply; non-positive or missing values leave the cache as it is. */
  remember(minutes: number | undefined): void;
}

/** An empty cache. */
export function createCheckinIntervalCache(): CheckinIntervalCache {
  let minutes: number | undefined;
  return {
    serverMinutes: () => minutes,
    remember(value) {
      if (value !== undefined && Number.isFinite(value) && value > 0) minutes = value;
    },
  };
}
