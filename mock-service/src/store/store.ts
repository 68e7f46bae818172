import { deviceCache } from "../device-cache.ts";
import { BlobStore } from "./blob-store.ts";
import { openDatabase, type SqliteDatabase, type Statement } from "./database.ts";
import type {
  AppRecord,
  AssignmentFilterRecord,
  AssignmentRecord,
  ContentFileRecord,
  DeviceRecord,
  DeviceStatusRecord,
  DeviceUser,
  FileEncryptionInfo,
  GroupRecord,
  JsonObject,
  UploadState,
  UserRecord,
} from "./records.ts";

interface AppRow {
  id: string;
  body: string;
  created_at: string;
  modified_at: string;
}
interface FileRow {
  id: string;
  app_id: string;
  content_version: number;
  name: string;
  size: number;
  size_encrypted: number;
  is_dependency: number;
  upload_state: string;
  pending_polls: number;
  sas_token: string;
  sas_expires_at: string;
  is_committed: number;
  encryption_info: string | null;
  failure_reason: string | null;
  created_at: string;
}
interface DeviceRow {
  id: string;
  name: string;
  os_version: string;
  users: string;
  certificate: string;
  thumbprint: string;
  enrolled_at: string;
  last_checkin_at: string | null;
}
interface UserRow {
  id: string;
  user_principal_name: string;
  display_name: string;
  created_at: string;
}
interface StatusRow {
  app_id: string;
  device_id: string;
  user_id: string;
  install_state: string;
  install_state_detail: string;
  error_code: number;
  report: string;
  updated_at: string;
}

/**
 * The service's persistent state: SQLite for records, a BlobStore for content bytes.
 * Every write bumps `generation`, so callers can cache what they derive from the store
 * (e.g. a device's encoded app list) and know when to recompute it.
 */
export class Store {
  readonly db: SqliteDatabase;
  readonly blobs: BlobStore;
  #generation = 0;
  readonly #statements = new Map<string, Statement>();
  readonly #devices = deviceCache<DeviceRecord>();
  readonly #lastTouched = new Map<string, number>();
  // One transaction function for every call (better-sqlite3 builds four wrappers and their properties per
  // `db.transaction(fn)`): nested calls still take a savepoint, as better-sqlite3 decides that per call.
  readonly #inTransaction: (work: () => unknown) => unknown;

  /**
   * `ephemeral`: `dataDir` is this store's alone and is removed when it stops, so the records are kept in memory
   * (openDatabase) and the blob store is the folder's only writer (BlobStore); content bytes stay in `dataDir`.
   */
  constructor(dataDir: string, options: { readonly ephemeral?: boolean } = {}) {
    const ephemeral = options.ephemeral === true;
    this.db = openDatabase(ephemeral ? undefined : dataDir);
    this.blobs = new BlobStore(dataDir, { soleWriter: ephemeral });
    this.#inTransaction = this.db.transaction((work: () => unknown) => work());
  }

  /** Changes whenever stored policy inputs change. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Runs `work` in one SQLite transaction: all of its writes land, or none. `policyInputs: false` says the work
   * writes only what no policy is derived from (a device's status reports), so `generation` stays: bumping it on
   * every report emptied the app-list and content caches of every device, and a fleet recomputed them all day.
   */
  transaction<T>(work: () => T, options: { readonly policyInputs?: boolean } = {}): T {
    const result = this.#inTransaction(work) as T;
    if (options.policyInputs !== false) this.#generation += 1;
    return result;
  }

  close(): void {
    this.db.close();
  }

  // Prepared statements are cached: preparing costs more than running on the check-in path.
  #sql(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // ---- fault plan ---------------------------------------------------------------------------

  /** The stored fault rules in plan order, each as JSON with its injection count. */
  loadFaultRules(): { rule: JsonObject; injected: number }[] {
    const rows = this.#sql("SELECT rule, injected FROM fault_rules ORDER BY position").all() as {
      rule: string;
      injected: number;
    }[];
    return rows.map((row) => ({ rule: JSON.parse(row.rule) as JsonObject, injected: row.injected }));
  }

  /** Replaces the stored fault plan (not a policy input: `generation` stays). */
  saveFaultRules(rules: readonly { rule: JsonObject; injected: number }[]): void {
    this.db.transaction(() => {
      this.#sql("DELETE FROM fault_rules").run();
      const insert = this.#sql("INSERT INTO fault_rules (position, rule, injected) VALUES (?, ?, ?)");
      for (const [position, entry] of rules.entries()) {
        insert.run(position, JSON.stringify(entry.rule), entry.injected);
      }
    })();
  }

  /** Records a rule's injection count. */
  setFaultInjected(position: number, injected: number): void {
    this.#sql("UPDATE fault_rules SET injected = ? WHERE position = ?").run(injected, position);
  }

  // ---- apps -------------------------------------------------------------------------------

  insertApp(app: AppRecord): void {
    this.#sql("INSERT INTO apps (id, body, created_at, modified_at) VALUES (?, ?, ?, ?)").run(
      app.id,
      JSON.stringify(app.body),
      app.createdAt,
      app.modifiedAt,
    );
    this.#generation += 1;
  }

  updateApp(id: string, body: JsonObject, modifiedAt: string): void {
    this.#sql("UPDATE apps SET body = ?, modified_at = ? WHERE id = ?").run(
      JSON.stringify(body),
      modifiedAt,
      id,
    );
    this.#generation += 1;
  }

  getApp(id: string): AppRecord | undefined {
    const row = this.#sql("SELECT * FROM apps WHERE id = ? COLLATE NOCASE").get(id) as AppRow | undefined;
    return row === undefined ? undefined : appFromRow(row);
  }

  listApps(): AppRecord[] {
    return (this.#sql("SELECT * FROM apps ORDER BY created_at, id").all() as AppRow[]).map(appFromRow);
  }

  deleteApp(id: string): boolean {
    const files = this.listFiles(id);
    const changed = this.#sql("DELETE FROM apps WHERE id = ?").run(id).changes > 0;
    for (const file of files) this.blobs.removeFile(file.id);
    this.#generation += 1;
    return changed;
  }

  // ---- content versions and files -------------------------------------------------------

  /** Creates the next content version of an app and returns its number (1, 2, …). */
  createContentVersion(appId: string): number {
    const row = this.#sql("SELECT MAX(id) AS last FROM content_versions WHERE app_id = ?").get(appId) as {
      last: number | null;
    };
    const next = (row.last ?? 0) + 1;
    this.#sql("INSERT INTO content_versions (app_id, id) VALUES (?, ?)").run(appId, next);
    return next;
  }

  listContentVersions(appId: string): number[] {
    return (
      this.#sql("SELECT id FROM content_versions WHERE app_id = ? ORDER BY id").all(appId) as { id: number }[]
    ).map((row) => row.id);
  }

  hasContentVersion(appId: string, version: number): boolean {
    return (
      this.#sql("SELECT 1 FROM content_versions WHERE app_id = ? AND id = ?").get(appId, version) !==
      undefined
    );
  }

  insertFile(file: ContentFileRecord): void {
    this.#sql(
      `INSERT INTO content_files (id, app_id, content_version, name, size, size_encrypted, is_dependency,
          upload_state, pending_polls, sas_token, sas_expires_at, is_committed, encryption_info, failure_reason, created_at)
         VALUES (@id, @app_id, @content_version, @name, @size, @size_encrypted, @is_dependency,
          @upload_state, @pending_polls, @sas_token, @sas_expires_at, @is_committed, @encryption_info, @failure_reason, @created_at)`,
    ).run(fileToRow(file));
  }

  /** Replaces the mutable part of a file record (upload state, SAS, commit outcome). */
  updateFile(file: ContentFileRecord): void {
    this.#sql(
      `UPDATE content_files SET upload_state = @upload_state, pending_polls = @pending_polls, sas_token = @sas_token,
          sas_expires_at = @sas_expires_at, is_committed = @is_committed, encryption_info = @encryption_info,
          failure_reason = @failure_reason WHERE id = @id`,
    ).run(fileToRow(file));
    this.#generation += 1;
  }

  getFile(id: string): ContentFileRecord | undefined {
    const row = this.#sql("SELECT * FROM content_files WHERE id = ? COLLATE NOCASE").get(id) as
      | FileRow
      | undefined;
    return row === undefined ? undefined : fileFromRow(row);
  }

  listFiles(appId: string, contentVersion?: number): ContentFileRecord[] {
    const rows =
      contentVersion === undefined
        ? this.#sql("SELECT * FROM content_files WHERE app_id = ? ORDER BY created_at, id").all(appId)
        : this.#sql(
            "SELECT * FROM content_files WHERE app_id = ? AND content_version = ? ORDER BY created_at, id",
          ).all(appId, contentVersion);
    return (rows as FileRow[]).map(fileFromRow);
  }

  deleteFile(id: string): boolean {
    const changed = this.#sql("DELETE FROM content_files WHERE id = ?").run(id).changes > 0;
    this.blobs.removeFile(id);
    this.#generation += 1;
    return changed;
  }

  // ---- assignments -----------------------------------------------------------------------

  listAssignments(appId: string): AssignmentRecord[] {
    return (
      this.#sql("SELECT * FROM assignments WHERE app_id = ? ORDER BY rowid").all(appId) as {
        id: string;
        app_id: string;
        body: string;
      }[]
    ).map((row) => ({ id: row.id, appId: row.app_id, body: JSON.parse(row.body) as JsonObject }));
  }

  /** Every assignment of every app, for computing a device's policy list in one query. */
  listAllAssignments(): AssignmentRecord[] {
    return (
      this.#sql("SELECT * FROM assignments ORDER BY rowid").all() as {
        id: string;
        app_id: string;
        body: string;
      }[]
    ).map((row) => ({ id: row.id, appId: row.app_id, body: JSON.parse(row.body) as JsonObject }));
  }

  /** Inserts the assignment, or replaces the body of the one with the same id in the same app. */
  putAssignment(assignment: AssignmentRecord): void {
    this.#sql(
      "INSERT INTO assignments (id, app_id, body) VALUES (?, ?, ?) ON CONFLICT(app_id, id) DO UPDATE SET body = excluded.body",
    ).run(assignment.id, assignment.appId, JSON.stringify(assignment.body));
    this.#generation += 1;
  }

  deleteAssignment(appId: string, id: string): boolean {
    const changed =
      this.#sql("DELETE FROM assignments WHERE app_id = ? AND id = ?").run(appId, id).changes > 0;
    this.#generation += 1;
    return changed;
  }

  deleteAssignmentsOf(appId: string): void {
    this.#sql("DELETE FROM assignments WHERE app_id = ?").run(appId);
    this.#generation += 1;
  }

  // ---- relationships (dependencies and supersedence) ------------------------------------------

  /** The app's relationships as clients wrote them with `updateRelationships` (empty when none). */
  listRelationships(appId: string): JsonObject[] {
    const row = this.#sql("SELECT body FROM relationships WHERE app_id = ? COLLATE NOCASE").get(appId) as
      | { body: string }
      | undefined;
    return row === undefined ? [] : (JSON.parse(row.body) as JsonObject[]);
  }

  /** Replaces the whole relationship set of an app (graph-win32.md §1.8). */
  putRelationships(appId: string, relationships: readonly JsonObject[]): void {
    this.#sql(
      "INSERT INTO relationships (app_id, body) VALUES (?, ?) ON CONFLICT(app_id) DO UPDATE SET body = excluded.body",
    ).run(appId, JSON.stringify(relationships));
    this.#generation += 1;
  }

  // ---- assignment filters ------------------------------------------------------------------

  /** Creates or replaces an assignment filter. */
  putAssignmentFilter(filter: AssignmentFilterRecord): void {
    this.#sql(
      `INSERT INTO assignment_filters (id, body, created_at, modified_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET body = excluded.body, modified_at = excluded.modified_at`,
    ).run(filter.id, JSON.stringify(filter.body), filter.createdAt, filter.modifiedAt);
    this.#generation += 1;
  }

  getAssignmentFilter(id: string): AssignmentFilterRecord | undefined {
    const row = this.#sql("SELECT * FROM assignment_filters WHERE id = ? COLLATE NOCASE").get(id) as
      | FilterRow
      | undefined;
    return row === undefined ? undefined : filterFromRow(row);
  }

  listAssignmentFilters(): AssignmentFilterRecord[] {
    return (this.#sql("SELECT * FROM assignment_filters ORDER BY created_at, id").all() as FilterRow[]).map(
      filterFromRow,
    );
  }

  deleteAssignmentFilter(id: string): boolean {
    const deleted =
      this.#sql("DELETE FROM assignment_filters WHERE id = ? COLLATE NOCASE").run(id).changes > 0;
    if (deleted) this.#generation += 1;
    return deleted;
  }

  /** The filter properties a device enrolled with (manufacturer, model, …); empty when it gave none. */
  getDeviceFilterProperties(deviceId: string): Record<string, string> {
    const row = this.#sql("SELECT body FROM device_filter_properties WHERE device_id = ? COLLATE NOCASE").get(
      deviceId,
    ) as { body: string } | undefined;
    return row === undefined ? {} : (JSON.parse(row.body) as Record<string, string>);
  }

  putDeviceFilterProperties(deviceId: string, properties: Readonly<Record<string, string>>): void {
    this.#sql(
      "INSERT INTO device_filter_properties (device_id, body) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET body = excluded.body",
    ).run(deviceId, JSON.stringify(properties));
    this.#generation += 1;
  }

  // ---- groups ----------------------------------------------------------------------------

  insertGroup(id: string, displayName: string, createdAt: string): void {
    this.#sql("INSERT INTO groups (id, display_name, created_at) VALUES (?, ?, ?)").run(
      id,
      displayName,
      createdAt,
    );
    this.#generation += 1;
  }

  getGroup(id: string): GroupRecord | undefined {
    const row = this.#sql("SELECT * FROM groups WHERE id = ? COLLATE NOCASE").get(id) as
      | { id: string; display_name: string; created_at: string }
      | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      displayName: row.display_name,
      createdAt: row.created_at,
      members: this.listMembers(row.id),
    };
  }

  listGroups(): GroupRecord[] {
    const rows = this.#sql("SELECT * FROM groups ORDER BY created_at, id").all() as {
      id: string;
      display_name: string;
      created_at: string;
    }[];
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      createdAt: row.created_at,
      members: this.listMembers(row.id),
    }));
  }

  deleteGroup(id: string): boolean {
    const changed = this.#sql("DELETE FROM groups WHERE id = ?").run(id).changes > 0;
    this.#generation += 1;
    return changed;
  }

  addMember(groupId: string, memberId: string): void {
    this.#sql("INSERT OR IGNORE INTO group_members (group_id, member_id) VALUES (?, ?)").run(
      groupId,
      memberId,
    );
    this.#generation += 1;
  }

  removeMember(groupId: string, memberId: string): boolean {
    const changed =
      this.#sql("DELETE FROM group_members WHERE group_id = ? AND member_id = ?").run(groupId, memberId)
        .changes > 0;
    this.#generation += 1;
    return changed;
  }

  listMembers(groupId: string): string[] {
    return (
      this.#sql("SELECT member_id FROM group_members WHERE group_id = ? ORDER BY rowid").all(groupId) as {
        member_id: string;
      }[]
    ).map((row) => row.member_id);
  }

  /** Ids of the groups that contain any of `memberIds` (a device and its users). */
  groupsOf(memberIds: readonly string[]): Set<string> {
    if (memberIds.length === 0) return new Set();
    const placeholders = memberIds.map(() => "?").join(",");
    const rows = this.#sql(
      `SELECT DISTINCT group_id FROM group_members WHERE member_id IN (${placeholders}) COLLATE NOCASE`,
    ).all(...memberIds) as { group_id: string }[];
    return new Set(rows.map((row) => row.group_id.toLowerCase()));
  }

  // ---- users ---------------------------------------------------------------------------

  /** Adds a tenant user; throws SQLite's constraint error when the id or the UPN is taken. */
  insertUser(user: UserRecord, createdAt: string): void {
    this.#sql(
      "INSERT INTO users (id, user_principal_name, display_name, created_at) VALUES (?, ?, ?, ?)",
    ).run(user.id.toLowerCase(), user.userPrincipalName, user.displayName, createdAt);
  }

  /** A tenant user by object id (case-insensitive). */
  getUser(id: string): UserRecord | undefined {
    const row = this.#sql("SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
    return row === undefined ? undefined : userFromRow(row);
  }

  /** A tenant user by user principal name (case-insensitive, as Entra compares them). */
  getUserByPrincipalName(userPrincipalName: string): UserRecord | undefined {
    const row = this.#sql("SELECT * FROM users WHERE user_principal_name = ?").get(userPrincipalName) as
      | UserRow
      | undefined;
    return row === undefined ? undefined : userFromRow(row);
  }

  listUsers(): UserRecord[] {
    return (this.#sql("SELECT * FROM users ORDER BY created_at, id").all() as UserRow[]).map(userFromRow);
  }

  // ---- devices ---------------------------------------------------------------------------

  insertDevice(device: DeviceRecord): void {
    const row: DeviceRow = {
      id: device.id,
      name: device.name,
      os_version: device.osVersion,
      users: JSON.stringify(device.users),
      certificate: device.certificatePem,
      thumbprint: device.thumbprint,
      enrolled_at: device.enrolledAt,
      last_checkin_at: device.lastCheckinAt,
    };
    this.#sql(
      `INSERT INTO devices (id, name, os_version, users, certificate, thumbprint, enrolled_at, last_checkin_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.id,
      row.name,
      row.os_version,
      row.users,
      row.certificate,
      row.thumbprint,
      row.enrolled_at,
      row.last_checkin_at,
    );
    this.#generation += 1;
    // The record as getDevice would read the row back: an enrolled device's first token request, moments later,
    // finds it in memory instead of reading and parsing the row it was just written as (issue 18).
    this.#devices.set(device.id.toLowerCase(), deviceFromRow(row));
  }

  /** A device by id (case-insensitive); records are cached, the gateway reads one per check-in. */
  getDevice(id: string): DeviceRecord | undefined {
    const key = id.toLowerCase();
    const cached = this.#devices.get(key);
    if (cached !== undefined) return cached;
    const row = this.#sql("SELECT * FROM devices WHERE id = ? COLLATE NOCASE").get(id) as
      | DeviceRow
      | undefined;
    if (row === undefined) return undefined;
    const device = deviceFromRow(row);
    this.#devices.set(key, device);
    return device;
  }

  /** How many devices are enrolled. */
  countDevices(): number {
    return (this.#sql("SELECT COUNT(*) AS count FROM devices").get() as { count: number }).count;
  }

  listDevices(): DeviceRecord[] {
    return (this.#sql("SELECT * FROM devices ORDER BY enrolled_at, id").all() as DeviceRow[]).map(
      deviceFromRow,
    );
  }

  /**
   * Records a check-in. At most one write per device per minute: the time is informational, and a
   * write on every check-in would cost the gateway a third of its time under load. Not a policy
   * input, so the generation stays.
   */
  touchDevice(id: string, atMs: number): void {
    if (atMs - (this.#lastTouched.get(id) ?? 0) < 60_000) return;
    this.#lastTouched.set(id, atMs);
    const at = new Date(atMs).toISOString();
    const changed = this.#sql("UPDATE devices SET last_checkin_at = ? WHERE id = ?").run(at, id).changes;
    // The cached record takes the new time, as a re-read of its row would give it: the next check-in's
    // token and session requests then find the device in memory instead of reading it back (issue 18).
    const key = id.toLowerCase();
    const cached = this.#devices.get(key);
    if (cached === undefined) return;
    if (changed === 1 && cached.id === id) this.#devices.set(key, { ...cached, lastCheckinAt: at });
    else this.#devices.delete(key);
  }

  // ---- per-device install status ----------------------------------------------------------

  putStatus(status: DeviceStatusRecord): void {
    this.#sql(
      `INSERT INTO device_statuses (app_id, device_id, user_id, install_state, install_state_detail, error_code, report, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(app_id, device_id, user_id) DO UPDATE SET install_state = excluded.install_state,
           install_state_detail = excluded.install_state_detail, error_code = excluded.error_code,
           report = excluded.report, updated_at = excluded.updated_at`,
    ).run(
      status.appId,
      status.deviceId,
      status.userId,
      status.installState,
      status.installStateDetail,
      status.errorCode,
      JSON.stringify(status.report),
      status.updatedAt,
    );
  }

  listStatuses(appId: string): DeviceStatusRecord[] {
    return (
      this.#sql("SELECT * FROM device_statuses WHERE app_id = ? ORDER BY updated_at, device_id").all(
        appId,
      ) as StatusRow[]
    ).map((row) => ({
      appId: row.app_id,
      deviceId: row.device_id,
      userId: row.user_id,
      installState: row.install_state,
      installStateDetail: row.install_state_detail,
      errorCode: row.error_code,
      report: JSON.parse(row.report) as JsonObject,
      updatedAt: row.updated_at,
    }));
  }
}

function appFromRow(row: AppRow): AppRecord {
  return {
    id: row.id,
    body: JSON.parse(row.body) as JsonObject,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

function fileToRow(file: ContentFileRecord): FileRow {
  return {
    id: file.id,
    app_id: file.appId,
    content_version: file.contentVersion,
    name: file.name,
    size: file.size,
    size_encrypted: file.sizeEncrypted,
    is_dependency: file.isDependency ? 1 : 0,
    upload_state: file.uploadState,
    pending_polls: file.pendingPolls,
    sas_token: file.sasToken,
    sas_expires_at: file.sasExpiresAt,
    is_committed: file.isCommitted ? 1 : 0,
    encryption_info: file.encryptionInfo === null ? null : JSON.stringify(file.encryptionInfo),
    failure_reason: file.failureReason,
    created_at: file.createdAt,
  };
}

function fileFromRow(row: FileRow): ContentFileRecord {
  return {
    id: row.id,
    appId: row.app_id,
    contentVersion: row.content_version,
    name: row.name,
    size: row.size,
    sizeEncrypted: row.size_encrypted,
    isDependency: row.is_dependency === 1,
    uploadState: row.upload_state as UploadState,
    pendingPolls: row.pending_polls,
    sasToken: row.sas_token,
    sasExpiresAt: row.sas_expires_at,
    isCommitted: row.is_committed === 1,
    encryptionInfo:
      row.encryption_info === null ? null : (JSON.parse(row.encryption_info) as FileEncryptionInfo),
    failureReason: row.failure_reason,
    createdAt: row.created_at,
  };
}

function deviceFromRow(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    name: row.name,
    osVersion: row.os_version,
    users: JSON.parse(row.users) as DeviceUser[],
    certificatePem: row.certificate,
    thumbprint: row.thumbprint,
    enrolledAt: row.enrolled_at,
    lastCheckinAt: row.last_checkin_at,
  };
}

function userFromRow(row: UserRow): UserRecord {
  return { id: row.id, userPrincipalName: row.user_principal_name, displayName: row.display_name };
}

interface FilterRow {
  id: string;
  body: string;
  created_at: string;
  modified_at: string;
}

function filterFromRow(row: FilterRow): AssignmentFilterRecord {
  return {
    id: row.id,
    body: JSON.parse(row.body) as JsonObject,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}
