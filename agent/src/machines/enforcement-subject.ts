// Who an enforcement's events and registry writes are about.
import type { AppStateRef } from "../ime/state-store.ts";
import type { EnforcementContext } from "./enforcement-types.ts";
import type { EvaluationContext } from "./ports.ts";

/** The Win32Apps state key an enforcement writes. */
export const refOf = (context: EnforcementContext): AppStateRef => ({
  userId: context.userId,
  appId: context.policy.Id,
  version: context.policy.Version,
});
/** The user and app an enforcement's events are about. */
export const subjectOf = (context: EnforcementContext) => ({
  userId: context.userId,
  appId: context.policy.Id,
});
/** Whose context detection and requirement rules run in. */
export const evaluationOf = (context: EnforcementContext): EvaluationContext => ({
  userId: context.userId,
  ...(context.userSid === undefined ? {} : { userSid: context.userSid }),
});

/** The text of any thrown value, for log lines. */
export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
