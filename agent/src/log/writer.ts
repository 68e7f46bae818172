import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { ImeEventStream } from "../events/stream.ts";
import type { ImeEvent } from "../events/types.ts";
import { cmtraceLine } from "./cmtrace.ts";
import { type ImeLogFile, renderEvent } from "./lines.ts";

const BOM = "\uFEFF";
const BOM_BYTES = 3;
/** About 2 MB, the IME's old LogMaxSize default (ime.md §1.1). */
export const DEFAULT_MAX_LOG_BYTES = 2 * 1024 * 1024;
/** LogMaxHistory has no documented default (ime.md §1.1 [?]); we keep the 5 newest rotated files. */
export const DEFAULT_MAX_LOG_HISTORY = 5;

/**
 * Events an in-memory writer keeps unrendered at most: what they hold stays bounded as the text would be (rotation
 * drops old text), and a run's usual few hundred per device are never rendered unless read.
 */
const MAX_UNRENDERED_EVENTS = 4096;
/** Unrendered events are kept in arrays of this many, made at full size. */
const UNRENDERED_CHUNK = 64;

const LOG_FILES: readonly ImeLogFile[] = ["AppWorkload", "IntuneManagementExtension", "AgentExecutor"];

export interface LogWriterOptions {
  /** A real folder to write the .log files into; without it the logs live in memory only. */
  readonly dir?: string;
  /** The device's local time offset from UTC in minutes (CMTrace times are local, ime.md §1.2). */
  readonly utcOffsetMinutes?: number;
  readonly maxBytes?: number;
  readonly maxHistory?: number;
}

/** The three IME logs, fed from the event stream. */
export interface LogWriter {
  /** The current text of one log (BOM included), as a viewer would read the file. */
  read(file: ImeLogFile): string;
  /** Names of rotated files, oldest first (`AppWorkload-20260101-101010.log`). */
  rotated(file: ImeLogFile): readonly string[];
  /** Writes buffered text to disk; every event's lines are already written when it is emitted. */
  flush(): void;
  /** Flushes and stops listening. */
  close(): void;
}

interface FileState {
  current: string[];
  bytes: number;
  pending: string[];
  fd: number | undefined;
  history: string[];
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * `<Base>-YYYYMMDD-HHMMSS.log`, the IME's rotated-file name (ime.md §1.1). A second rotation within the same
 * second would overwrite the first; then we append `-<n>` (`AppWorkload-20260101-101010-1.log`) [I].
 */
export function rotatedLogName(file: ImeLogFile, localTimeMs: number, collision = 0): string {
  const d = new Date(localTimeMs);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}`;
  return collision === 0 ? `${file}-${stamp}.log` : `${file}-${stamp}-${collision}.log`;
}

/** Subscribes a CMTrace writer to `stream`: every event becomes the lines the IME writes for that step. */
export function createLogWriter(stream: ImeEventStream, options: LogWriterOptions = {}): LogWriter {
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  const maxHistory = options.maxHistory ?? DEFAULT_MAX_LOG_HISTORY;
  const dir = options.dir;
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const pathOf = (name: string): string => join(dir ?? "", name);

  const files = new Map<ImeLogFile, FileState>();
  // HealthScripts.log and ClientHealth.log are made by their first line, not at start (only the three above are).
  for (const file of [...LOG_FILES, "HealthScripts" as const, "ClientHealth" as const]) {
    files.set(file, { current: [], bytes: BOM_BYTES, pending: [], fd: undefined, history: [] });
  }
  // Logs of optional workloads (Win32AppInventory.log, Sensor.log) are made by their first line.
  const stateOf = (file: ImeLogFile): FileState => {
    let state = files.get(file);
    if (state === undefined) {
      state = { current: [], bytes: BOM_BYTES, pending: [], fd: undefined, history: [] };
      files.set(file, state);
    }
    return state;
  };

  const open = (file: ImeLogFile, state: FileState): void => {
    if (dir === undefined || state.fd !== undefined) return;
    const path = pathOf(`${file}.log`);
    const fresh = !existsSync(path);
    state.fd = openSync(path, "a");
    if (fresh) writeSync(state.fd, BOM);
    // Appending to a log a previous run left (e.g. `agent --logs` across restarts): its bytes count too.
    else state.bytes = statSync(path).size;
  };
  const flushFile = (state: FileState): void => {
    if (state.fd === undefined || state.pending.length === 0) return;
    writeSync(state.fd, state.pending.join(""));
    state.pending = [];
  };
  const rotate = (file: ImeLogFile, state: FileState, localTimeMs: number): void => {
    const taken = (candidate: string) =>
      state.history.includes(candidate) || (dir !== undefined && existsSync(pathOf(candidate)));
    let collision = 0;
    while (taken(rotatedLogName(file, localTimeMs, collision))) collision += 1;
    const name = rotatedLogName(file, localTimeMs, collision);
    if (dir !== undefined && state.fd !== undefined) {
      flushFile(state);
      closeSync(state.fd);
      state.fd = undefined;
      renameSync(pathOf(`${file}.log`), pathOf(name));
    }
    state.history.push(name);
    while (state.history.length > maxHistory) {
      const dropped = state.history.shift()!;
      if (dir !== undefined && existsSync(pathOf(dropped))) unlinkSync(pathOf(dropped));
    }
    state.current = [];
    state.bytes = BOM_BYTES;
  };

  // Lines of one instant get rising sub-millisecond ticks, so CMTrace viewers keep them in order; when they run
  // out the millisecond moves on. Time never goes backwards: a viewer or analyser sorting by it keeps our order.
  // `stamp` moves them on; the line then reads both (no object per line: a month of one device writes 10^5 lines).
  let lastMs = Number.NEGATIVE_INFINITY;
  let lastTick = 0;
  const stamp = (localTimeMs: number): void => {
    if (localTimeMs > lastMs) {
      lastMs = localTimeMs;
      lastTick = 0;
    } else if (++lastTick >= 10_000) {
      lastMs += 1;
      lastTick = 0;
    }
  };

  /** Appends the lines of `event` to their files (rotating as they fill), and to disk when the logs are there. */
  const render = (event: ImeEvent): void => {
    // The files to flush, made only when the logs are on disk.
    let touched: Set<FileState> | undefined;
    for (const line of renderEvent(event)) {
      const state = stateOf(line.file);
      stamp(event.simTime + offsetMs);
      const localTimeMs = lastMs;
      const subMsTicks = lastTick;
      const text = cmtraceLine(
        line.message,
        localTimeMs,
        subMsTicks,
        line.component ?? line.file,
        line.type,
        event.thread,
      );
      const size = Buffer.byteLength(text);
      open(line.file, state);
      if (state.bytes + size > maxBytes && state.bytes > BOM_BYTES) {
        rotate(line.file, state, localTimeMs);
        open(line.file, state);
      }
      state.current.push(text);
      state.bytes += size;
      if (state.fd !== undefined) {
        state.pending.push(text);
        touched ??= new Set();
        touched.add(state);
      }
    }
    // On disk as the step happens: a killed agent loses no line and `tail -f` shows each as it is written.
    if (touched !== undefined) for (const state of touched) flushFile(state);
  };

  // Logs in memory only are text nobody may read: a fleet run keeps each device's logs for expectations that
  // mostly name none, and rendering every line as it happened was most of the event stream's cost (issue 18).
  // Their events wait here and are rendered, in order, when a log is read or too many wait: a line's text, time
  // and file depend only on its event and the lines before it, so the text is the same as if rendered at once.
  // They wait in fixed-size chunks, not one growing array: each regrowth copied the array, and in a fleet the
  // outgrown copies lived long enough to be promoted (issue 18).
  let chunks: ImeEvent[][] = [];
  let lastChunkFilled = UNRENDERED_CHUNK;
  let unrendered = 0;
  const renderWaiting = (): void => {
    if (unrendered === 0) return;
    const waiting = chunks;
    let left = unrendered;
    chunks = [];
    lastChunkFilled = UNRENDERED_CHUNK;
    unrendered = 0;
    for (const chunk of waiting) {
      for (let index = 0; index < UNRENDERED_CHUNK && left > 0; index += 1, left -= 1) render(chunk[index]!);
    }
  };
  const write =
    dir !== undefined
      ? render
      : (event: ImeEvent): void => {
          if (lastChunkFilled === UNRENDERED_CHUNK) {
            chunks.push(new Array<ImeEvent>(UNRENDERED_CHUNK));
            lastChunkFilled = 0;
          }
          chunks[chunks.length - 1]![lastChunkFilled] = event;
          lastChunkFilled += 1;
          unrendered += 1;
          if (unrendered >= MAX_UNRENDERED_EVENTS) renderWaiting();
        };

  // All three files exist from the service's start, as on a real device: AgentExecutor.log before any script
  // or toast has run (issue 13).
  for (const file of LOG_FILES) open(file, stateOf(file));
  const unsubscribe = stream.subscribe(write);
  const flush = (): void => {
    for (const state of files.values()) flushFile(state);
  };
  return {
    read(file) {
      renderWaiting();
      return BOM + stateOf(file).current.join("");
    },
    rotated(file) {
      renderWaiting();
      return [...stateOf(file).history];
    },
    flush,
    close() {
      unsubscribe();
      flush();
      for (const state of files.values()) {
        if (state.fd !== undefined) closeSync(state.fd);
        state.fd = undefined;
      }
    },
  };
}
