import type { FaultEffect, FaultPlan } from "@imesim/mock-service";
import { parseDuration } from "../scenario/duration.ts";
import type { Fault, LoadedScenario } from "../scenario/index.ts";

function effectOf(fault: Fault): FaultEffect {
  if (fault.status === 429 && fault.retryAfter !== undefined)
    return { kind: "throttle", retryAfterSeconds: Math.round(parseDuration(fault.retryAfter) / 1000) };
  if (fault.status !== undefined) return { kind: "status", status: fault.status };
  if (fault.latency !== undefined) return { kind: "latency", ms: parseDuration(fault.latency) };
  if (fault.dropAfterBytes !== undefined) return { kind: "drop", afterBytes: fault.dropAfterBytes };
  if (fault.corruptByteAt !== undefined) return { kind: "corrupt", offset: fault.corruptByteAt };
  if (fault.truncateAt !== undefined) return { kind: "truncate", bytes: fault.truncateAt };
  return { kind: "expireToken" };
}

/** The scenario's faults as the mock service's fault plan (the loader already checked one effect per fault). */
export function faultPlanOf(scenario: LoadedScenario): FaultPlan {
  return {
    rules: (scenario.source.faults ?? []).map((fault) => {
      const appId =
        fault.app === undefined ? undefined : scenario.apps.find((app) => app.name === fault.app)?.id;
      return {
        match: {
          route: fault.route,
          ...(fault.requestContentType === undefined ? {} : { requestContentType: fault.requestContentType }),
          ...(appId === undefined ? {} : { appId }),
        },
        effect: effectOf(fault),
        ...(fault.times === undefined ? {} : { times: fault.times }),
      };
    }),
  };
}
