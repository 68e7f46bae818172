/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Append only: a released migration is never edited, a change is a new entry.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
  );
  CREATE TABLE content_versions (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    PRIMARY KEY (app_id, id)
  );
  CREATE TABLE content_files (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    content_version INTEGER NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    size_encrypted INTEGER NOT NULL,
    is_dependency INTEGER NOT NULL,
    upload_state TEXT NOT NULL,
    pending_polls INTEGER NOT NULL,
    sas_token TEXT NOT NULL,
    sas_expires_at TEXT NOT NULL,
    is_committed INTEGER NOT NULL,
    encryption_info TEXT,
    failure_reason TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX content_files_by_app ON content_files(app_id, content_version);
  CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    body TEXT NOT NULL
  );
  CREATE INDEX assignments_by_app ON assignments(app_id);
  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id)
  );
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    os_version TEXT NOT NULL,
    users TEXT NOT NULL,
    certificate TEXT NOT NULL,
    thumbprint TEXT NOT NULL UNIQUE,
    enrolled_at TEXT NOT NULL,
    last_checkin_at TEXT
  );
  CREATE TABLE device_statuses (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    install_state TEXT NOT NULL,
    install_state_detail TEXT NOT NULL,
    error_code INTEGER NOT NULL,
    report TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (app_id, device_id, user_id)
  );
  `,
  `
  CREATE TABLE relationships (
    app_id TEXT PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    body TEXT NOT NULL
  );
  `,
  // Assignment ids ({groupId}_{intent}_{exclusion}, graph-win32.md §3.1) name no app: they are
  // unique only under /mobileApps/{id}/assignments, so the key is (app, id). Rows keep their
  // order (rowid), which is the order Graph lists them in.
  `
  CREATE TABLE assignments_by_app_and_id (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (app_id, id)
  );
  INSERT INTO assignments_by_app_and_id (app_id, id, body)
    SELECT app_id, id, body FROM assignments ORDER BY rowid;
  DROP TABLE assignments;
  ALTER TABLE assignments_by_app_and_id RENAME TO assignments;
  `,
  // The fault plan and its counters, so a restarted service (a fault of its own in a scenario) keeps
  // injecting where it left off: a rule with `times` that already fired does not fire again.
  `
  CREATE TABLE fault_rules (
    position INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    injected INTEGER NOT NULL
  );
  `,
  // Users are objects of the tenant (created through Graph or by a scenario run), not something a device
  // declares at enrollment: an assertion's `oid` must name one of these (issue 19, "Identity and isolation").
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // Assignment filters (graph-win32.md §3.1) and the device properties they are evaluated against
  // (ime.md §11b); the properties a device did not enroll with stay absent from the row.
  `
  CREATE TABLE assignment_filters (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
  );
  CREATE TABLE device_filter_properties (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    body TEXT NOT NULL
  );
  `,
  // Platform scripts and remediations (deviceManagementScripts / deviceHealthScripts, issue 16): the Graph
  // body, a version the service bumps when the script changes (the IME runs each version once), their
  // assignments, and each device's run state as the IME reported it. `kind` is "platform" or "health".
  `
  CREATE TABLE script_policies (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE TABLE script_assignments (
    kind TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, policy_id, id)
  );
  CREATE TABLE script_run_states (
    kind TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, policy_id, device_id, user_id)
  );
  `,
];
