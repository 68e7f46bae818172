import { assertSchema } from "@imesim/contracts/schema";
import { Compile } from "typebox/compile";
import type { JsonObject } from "../store/records.ts";
import { type FaultEffect, type FaultMatch, FaultPlan, type FaultRoute, type FaultRule } from "./plan.ts";

const planChecker = Compile(FaultPlan);

/** What is known about a request when faults are matched. */
export interface FaultRequest {
  readonly route: FaultRoute;
  readonly method: string;
  readonly requestContentType?: string | undefined;
  readonly appId?: string | undefined;
  readonly deviceId?: string | undefined;
}

/** Where the plan and its counters outlive the process (the service's SQLite store). */
export interface FaultPlanStore {
  loadFaultRules(): { rule: JsonObject; injected: number }[];
  saveFaultRules(rules: readonly { rule: JsonObject; injected: number }[]): void;
  setFaultInjected(position: number, injected: number): void;
}

/** A rule's counters: how often it matched and fired. */
export interface FaultCounter {
  readonly id: string;
  readonly injected: number;
}

/**
 * Holds the active fault plan and counts injections. Matching is by the request's facts; a
 * rule with `times` stops after that many injections.
 */
export class FaultInjector {
  #rules: { rule: FaultRule; id: string; injected: number }[] = [];
  #store: FaultPlanStore | undefined;

  constructor(plan: FaultPlan) {
    this.setPlan(plan);
  }

  /** Replaces the plan and resets the counters; throws ImesimError `FAULT_PLAN_INVALID` naming the bad member. */
  setPlan(plan: FaultPlan): void {
    this.#replace(plan, "fault plan", () => 0);
    this.#save();
  }

  /**
   * From now on keeps the plan and its counters in `store`. With `restore` the stored plan, counters included,
   * replaces the current one (a restart); otherwise the current plan replaces the stored one.
   */
  keepIn(store: FaultPlanStore, restore: boolean): void {
    if (restore) {
      const stored = store.loadFaultRules();
      const plan = { rules: stored.map((entry) => entry.rule) } as unknown as FaultPlan;
      this.#replace(plan, "stored fault plan", (index) => stored[index]?.injected ?? 0);
    }
    this.#store = store;
    this.#save();
  }

  #replace(plan: FaultPlan, what: string, injected: (index: number) => number): void {
    assertSchema(planChecker, plan, { code: "FAULT_PLAN_INVALID", what, path: "" });
    this.#rules = plan.rules.map((rule, index) => ({
      rule,
      id: rule.id ?? `rule-${index}`,
      injected: injected(index),
    }));
  }

  #save(): void {
    this.#store?.saveFaultRules(
      this.#rules.map((entry) => ({
        rule: { ...entry.rule, id: entry.id } as unknown as JsonObject,
        injected: entry.injected,
      })),
    );
  }

  /** The active plan. */
  plan(): FaultPlan {
    return { rules: this.#rules.map((entry) => ({ ...entry.rule, id: entry.id })) };
  }

  /** Injection counts per rule. */
  counters(): FaultCounter[] {
    return this.#rules.map((entry) => ({ id: entry.id, injected: entry.injected }));
  }

  /** True when any rule could apply to the route: lets hot paths skip work when no fault is planned. */
  targets(route: FaultRoute): boolean {
    return this.#rules.some(
      (entry) => entry.rule.match.route === undefined || entry.rule.match.route === route,
    );
  }

  /**
   * The first rule matching `request` among those whose effect kind is in `kinds`; counts it
   * as injected. Undefined when none matches.
   */
  take(request: FaultRequest, kinds: readonly FaultEffect["kind"][]): FaultEffect | undefined {
    for (const [position, entry] of this.#rules.entries()) {
      if (!kinds.includes(entry.rule.effect.kind)) continue;
      if (entry.rule.times !== undefined && entry.injected >= entry.rule.times) continue;
      if (!matches(entry.rule.match, request)) continue;
      entry.injected += 1;
      this.#store?.setFaultInjected(position, entry.injected);
      return entry.rule.effect;
    }
    return undefined;
  }
}

function matches(match: FaultMatch, request: FaultRequest): boolean {
  if (match.route !== undefined && match.route !== request.route) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (
    match.requestContentType !== undefined &&
    !sameText(match.requestContentType, request.requestContentType)
  ) {
    return false;
  }
  if (match.appId !== undefined && !sameText(match.appId, request.appId)) return false;
  if (match.deviceId !== undefined && !sameText(match.deviceId, request.deviceId)) return false;
  return true;
}

function sameText(expected: string, actual: string | undefined): boolean {
  return actual !== undefined && expected.toLowerCase() === actual.toLowerCase();
}
