import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrations } from "./migrations.ts";

export type SqliteDatabase = Database.Database;
export type Statement = Database.Statement;

/** Opens (creating if needed) the service database in `dataDir`, in WAL mode, with every migration applied. */
export function openDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, "imesim.sqlite"));
  // WAL lets readers (check-ins) proceed while an admin write is in flight; NORMAL sync is
  // durable across process crashes, which is what a restartable mock needs.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  applyMigrations(db);
  return db;
}

function applyMigrations(db: SqliteDatabase): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let index = current; index < migrations.length; index += 1) {
    const sql = migrations[index] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}
