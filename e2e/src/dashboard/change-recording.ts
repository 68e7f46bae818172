// Turning the device's opt-in change journal on for a run (`run --out`, `run --ui`): the journal wraps the
// device's stores, starts after the scenario's seed with the IME's key and folders as its baseline, and learns
// each step's end from the agent's event stream.
import type { Agent } from "@imesim/agent";
import { ChangeJournal, type JournalRoots, parseKeyPath, parseWindowsPath } from "@imesim/agent/host";
import { IME_INSTALL_DIR, IME_REGISTRY_ROOT, IMECACHE_DIR } from "@imesim/agent/ime";

/** Resolved the way the stores hold them (HKLM → HKEY_LOCAL_MACHINE; drive first). */
const keyOf = (path: string) => {
  const parsed = parseKeyPath(path);
  return [parsed.hive, ...parsed.names];
};
const folderOf = (path: string) => {
  const parsed = parseWindowsPath(path);
  return [parsed.drive, ...parsed.names];
};

/**
 * The baseline: the IME's registry key (ime.md §4) and its two folder trees, the install folder holding
 * Content\Incoming and Content\Staging, and C:\Windows\IMECache (ime.md §3.5).
 */
export const IME_JOURNAL_ROOTS: JournalRoots = {
  registry: [keyOf(IME_REGISTRY_ROOT)],
  folders: [folderOf(IME_INSTALL_DIR), folderOf(IMECACHE_DIR)],
};

/** A journal for a device about to be created on `clock`. */
export function createRunJournal(clock: { now(): number }): ChangeJournal {
  return new ChangeJournal(() => clock.now());
}

/** Starts recording (after the seed) and stamps changes with the agent's events. */
export function followAgent(journal: ChangeJournal, agent: Agent): void {
  journal.start(IME_JOURNAL_ROOTS);
  agent.events.subscribe((event) => journal.stepEnded(event.seq));
}
