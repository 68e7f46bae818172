// A complete virtual Windows device: profile, registry and file system on one backend, plus the environment.
import { ImesimError } from "@imesim/contracts/errors";
import type { TimeSource } from "../../clock/types.ts";
import type { FileStore } from "../files/file-store.ts";
import { createFileSystem } from "../files/file-system.ts";
import { MemoryFileStore } from "../memory/memory-file-store.ts";
import { MemoryRegistryStore } from "../memory/memory-registry-store.ts";
import type { ChangeJournal } from "../recorder/change-journal.ts";
import { createRegistry } from "../registry/registry.ts";
import type { RegistryStore } from "../registry/registry-store.ts";
import { openDeviceDatabase, readMeta, writeMeta } from "../sqlite/device-database.ts";
import { SqliteFileStore } from "../sqlite/sqlite-file-store.ts";
import { SqliteRegistryStore } from "../sqlite/sqlite-registry-store.ts";
import type { FileSystem, Host, ProcessContext, Registry } from "../types.ts";
import { baseImageFor, personalizeDevice } from "./base-image.ts";
import { copyFiles, copyRegistry } from "./copy-stores.ts";
import { type DeviceProfile, defineDeviceProfile, is64BitOs } from "./device-profile.ts";
import { environmentVariables, expandVariables } from "./environment.ts";

/** Where a device keeps its state: in memory (fast, gone at exit) or in one SQLite file (survives restarts). */
export type DeviceBackend = "memory" | { readonly sqlitePath: string };

export interface DeviceOptions {
  /** The device to simulate; missing fields take DEFAULT_DEVICE_PROFILE's. Ignored when reopening a SQLite device. */
  readonly profile?: Partial<DeviceProfile>;
  readonly backend: DeviceBackend;
  /** File times come from it (the agent's virtual clock in simulations). */
  readonly clock: TimeSource;
  /**
   * Opt-in: records the registry's and file system's changes into this journal (the dashboard's registry and
   * folder views). Without it the device's stores are used as they are.
   */
  readonly journal?: ChangeJournal;
}

/** A virtual Windows device: the Host rules and installers act on, its profile, and its lifetime. */
export interface Device extends Host {
  readonly profile: DeviceProfile;
  /** Runs `work` atomically across registry and file system: all of it lands, or none does. */
  transaction<T>(work: () => T): T;
  /** The variables a process in `context` sees (for installers and script runners). */
  environment(context: ProcessContext): Readonly<Record<string, string>>;
  /** Releases the backend (closes the SQLite file); the device must not be used afterwards. */
  close(): void;
}

const PROFILE_KEY = "profile";
const MB = 1024 * 1024;

/** Creates a device, or reopens a SQLite device file with the profile and state it was saved with. */
export function createDevice(options: DeviceOptions): Device {
  if (options.backend === "memory") {
    const profile = defineDeviceProfile(options.profile);
    const image = baseImageFor(profile);
    const { registryStore, fileStore } = journaled(
      options.journal,
      new MemoryRegistryStore(image.registry),
      new MemoryFileStore(image.files, profile.freeDiskSpaceMB * MB),
    );
    const device = assemble(profile, registryStore, fileStore, options.clock, {
      transaction: (work) => registryStore.transaction(() => fileStore.transaction(work)),
      close: () => {},
    });
    personalizeDevice(device, profile);
    return device;
  }
  const db = openDeviceDatabase(options.backend.sqlitePath);
  try {
    const saved = readMeta(db, PROFILE_KEY);
    const profile = saved === undefined ? defineDeviceProfile(options.profile) : savedProfile(saved);
    const { registryStore, fileStore } = journaled(
      options.journal,
      new SqliteRegistryStore(db),
      new SqliteFileStore(db),
    );
    const device = assemble(profile, registryStore, fileStore, options.clock, {
      // One database: the registry store's transaction covers file writes too.
      transaction: (work) => registryStore.transaction(work),
      close: () => db.close(),
    });
    if (saved === undefined) {
      // Seeding and the profile land in one transaction: a crash while seeding leaves a file that seeds again.
      device.transaction(() => {
        const image = baseImageFor(profile);
        copyRegistry(new MemoryRegistryStore(image.registry), registryStore);
        copyFiles(new MemoryFileStore(image.files, 0), fileStore);
        fileStore.setFreeBytes(profile.freeDiskSpaceMB * MB);
        personalizeDevice(device, profile);
        writeMeta(db, PROFILE_KEY, JSON.stringify(profile));
      });
    }
    return device;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The stores as they are, or wrapped by the journal when one was asked for. */
function journaled(
  journal: ChangeJournal | undefined,
  registryStore: RegistryStore,
  fileStore: FileStore,
): { registryStore: RegistryStore; fileStore: FileStore } {
  if (journal === undefined) return { registryStore, fileStore };
  return { registryStore: journal.registryStore(registryStore), fileStore: journal.fileStore(fileStore) };
}

function savedProfile(saved: string): DeviceProfile {
  try {
    return defineDeviceProfile(JSON.parse(saved) as Partial<DeviceProfile>);
  } catch (cause) {
    throw new ImesimError("DEVICE_DATABASE_CORRUPT", "the device database holds an unreadable profile", {
      cause,
    });
  }
}

function assemble(
  profile: DeviceProfile,
  registryStore: RegistryStore,
  fileStore: FileStore,
  clock: TimeSource,
  lifetime: { transaction<T>(work: () => T): T; close(): void },
): Device {
  const registry: Registry = createRegistry(registryStore, { is64BitWindows: is64BitOs(profile) });
  const fs: FileSystem = createFileSystem(fileStore, { clock, drives: ["C:"] });
  // Environment blocks are built once per distinct context: rules expand paths on every evaluation.
  const environments = new Map<string, Readonly<Record<string, string>>>();
  const cached = (context: ProcessContext) => {
    const key = `${context.account}|${context.userSid ?? ""}|${context.bitness}`;
    let vars = environments.get(key);
    if (vars === undefined) {
      vars = environmentVariables(profile, context);
      environments.set(key, vars);
    }
    return vars;
  };
  return {
    profile,
    registry,
    fs,
    environment: (context) => cached(context),
    expandEnvironment: (text, context) => expandVariables(text, cached(context)),
    transaction: lifetime.transaction,
    close: lifetime.close,
  };
}
