// The service's records of platform scripts and remediations, over the store's SQLite database (the tables
// of the script migration in store/migrations.ts). Kept beside the routes that use them, so the app store
// stays about apps.

import type { JsonObject } from "../store/records.ts";
import type { Store } from "../store/store.ts";

/** Platform scripts (`deviceManagementScripts`) or remediations (`deviceHealthScripts`). */
export type ScriptKind = "platform" | "health";
/**
 * Every kind the script tables hold: the two script kinds, and custom compliance's discovery scripts
 * (`deviceComplianceScripts`) and the compliance policies that carry them (compliance/ folder).
 */
export type StoredKind = ScriptKind | "complianceScript" | "compliancePolicy";

export interface ScriptPolicyRecord<K extends StoredKind = ScriptKind> {
  readonly kind: K;
  readonly id: string;
  readonly body: JsonObject;
  readonly version: number;
  readonly createdAt: string;
  readonly modifiedAt: string;
}

export interface ScriptAssignmentRecord {
  readonly id: string;
  readonly policyId: string;
  readonly body: JsonObject;
}

export interface ScriptRunStateRecord {
  readonly policyId: string;
  readonly deviceId: string;
  readonly userId: string;
  readonly body: JsonObject;
  readonly updatedAt: string;
}

interface PolicyRow {
  kind: StoredKind;
  id: string;
  body: string;
  version: number;
  created_at: string;
  modified_at: string;
}

const policyOf = <K extends StoredKind>(row: PolicyRow): ScriptPolicyRecord<K> => ({
  kind: row.kind as K,
  id: row.id,
  body: JSON.parse(row.body) as JsonObject,
  version: row.version,
  createdAt: row.created_at,
  modifiedAt: row.modified_at,
});

/** Reads and writes the script tables of `store`. */
export function scriptStore(store: Store) {
  const { db } = store;
  return {
    putPolicy(policy: ScriptPolicyRecord<StoredKind>): void {
      db.prepare(
        `INSERT INTO script_policies (kind, id, body, version, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, version = excluded.version,
         modified_at = excluded.modified_at`,
      ).run(
        policy.kind,
        policy.id,
        JSON.stringify(policy.body),
        policy.version,
        policy.createdAt,
        policy.modifiedAt,
      );
    },
    getPolicy<K extends StoredKind>(kind: K, id: string): ScriptPolicyRecord<K> | undefined {
      const row = db.prepare("SELECT * FROM script_policies WHERE kind = ? AND id = ?").get(kind, id) as
        | PolicyRow
        | undefined;
      return row === undefined ? undefined : policyOf<K>(row);
    },
    listPolicies<K extends StoredKind>(kind: K): ScriptPolicyRecord<K>[] {
      const rows = db
        .prepare("SELECT * FROM script_policies WHERE kind = ? ORDER BY rowid")
        .all(kind) as PolicyRow[];
      return rows.map((row) => policyOf<K>(row));
    },
    deletePolicy(kind: StoredKind, id: string): boolean {
      return store.transaction(() => {
        db.prepare("DELETE FROM script_assignments WHERE kind = ? AND policy_id = ?").run(kind, id);
        db.prepare("DELETE FROM script_run_states WHERE kind = ? AND policy_id = ?").run(kind, id);
        return db.prepare("DELETE FROM script_policies WHERE kind = ? AND id = ?").run(kind, id).changes > 0;
      });
    },
    /** Replaces a policy's assignments, as Graph's `assign` action does. */
    setAssignments(kind: StoredKind, policyId: string, assignments: readonly ScriptAssignmentRecord[]): void {
      store.transaction(() => {
        db.prepare("DELETE FROM script_assignments WHERE kind = ? AND policy_id = ?").run(kind, policyId);
        const insert = db.prepare(
          "INSERT INTO script_assignments (kind, policy_id, id, body) VALUES (?, ?, ?, ?)",
        );
        for (const a of assignments) insert.run(kind, policyId, a.id, JSON.stringify(a.body));
      });
    },
    listAssignments(kind: StoredKind, policyId: string): ScriptAssignmentRecord[] {
      const rows = db
        .prepare("SELECT id, body FROM script_assignments WHERE kind = ? AND policy_id = ? ORDER BY rowid")
        .all(kind, policyId) as { id: string; body: string }[];
      return rows.map((row) => ({ id: row.id, policyId, body: JSON.parse(row.body) as JsonObject }));
    },
    putRunState(kind: StoredKind, state: ScriptRunStateRecord): void {
      db.prepare(
        `INSERT INTO script_run_states (kind, policy_id, device_id, user_id, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, policy_id, device_id, user_id) DO UPDATE SET body = excluded.body,
         updated_at = excluded.updated_at`,
      ).run(kind, state.policyId, state.deviceId, state.userId, JSON.stringify(state.body), state.updatedAt);
    },
    listRunStates(kind: StoredKind, policyId: string): ScriptRunStateRecord[] {
      const rows = db
        .prepare(
          "SELECT device_id, user_id, body, updated_at FROM script_run_states WHERE kind = ? AND policy_id = ? ORDER BY rowid",
        )
        .all(kind, policyId) as { device_id: string; user_id: string; body: string; updated_at: string }[];
      return rows.map((row) => ({
        policyId,
        deviceId: row.device_id,
        userId: row.user_id,
        body: JSON.parse(row.body) as JsonObject,
        updatedAt: row.updated_at,
      }));
    },
  };
}

export type ScriptStore = ReturnType<typeof scriptStore>;
