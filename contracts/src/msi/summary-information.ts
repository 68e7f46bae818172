import { codepageDecoder } from "./codepage.ts";

/** `\005SummaryInformation` properties Windows Installer uses (windows-formats.md §1.11). */
export interface SummaryInformation {
  codepage?: number;
  title?: string;
  subject?: string;
  author?: string;
  keywords?: string;
  comments?: string;
  /** `platform;languages`, e.g. `x64;1033`. */
  template?: string;
  lastSavedBy?: string;
  /** For a package: the package code GUID. */
  revisionNumber?: string;
  lastPrinted?: Date;
  created?: Date;
  lastSaved?: Date;
  /** Minimum installer version × 100. */
  pageCount?: number;
  /** Source-type bits. */
  wordCount?: number;
  characterCount?: number;
  creatingApplication?: string;
  security?: number;
}

const NAMES: Record<number, keyof SummaryInformation> = {
  1: "codepage",
  2: "title",
  3: "subject",
  4: "author",
  5: "keywords",
  6: "comments",
  7: "template",
  8: "lastSavedBy",
  9: "revisionNumber",
  11: "lastPrinted",
  12: "created",
  13: "lastSaved",
  14: "pageCount",
  15: "wordCount",
  16: "characterCount",
  18: "creatingApplication",
  19: "security",
};

const VT = { i2: 2, i4: 3, lpstr: 30, filetime: 64 } as const;
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;

/** Parses the summary property set; unknown or damaged properties are skipped, not fatal. */
export function readSummaryInformation(stream: Buffer | undefined): SummaryInformation {
  const info: SummaryInformation = {};
  if (stream === undefined || stream.length < 48 || stream.readUInt16LE(0) !== 0xfffe) return info;
  const sectionOffset = stream.readUInt32LE(44);
  if (sectionOffset + 8 > stream.length) return info;
  const count = stream.readUInt32LE(sectionOffset + 4);
  const raw = new Map<number, { type: number; at: number }>();
  for (let index = 0; index < count; index += 1) {
    const entry = sectionOffset + 8 + index * 8;
    if (entry + 8 > stream.length) break;
    const at = sectionOffset + stream.readUInt32LE(entry + 4);
    if (at + 4 > stream.length) continue;
    raw.set(stream.readUInt32LE(entry), { type: stream.readUInt32LE(at), at: at + 4 });
  }
  const codepageValue = raw.get(1);
  let codepage = 1252;
  if (codepageValue?.type === VT.i2 && codepageValue.at + 2 <= stream.length) {
    codepage = stream.readUInt16LE(codepageValue.at);
  }
  let decoder: TextDecoder;
  try {
    decoder = codepageDecoder(codepage);
  } catch {
    decoder = codepageDecoder(1252);
  }
  const record = info as Record<string, unknown>;
  for (const [pid, { type, at }] of raw) {
    const name = NAMES[pid];
    if (name === undefined) continue;
    if (type === VT.i2 && at + 2 <= stream.length) record[name] = stream.readInt16LE(at);
    else if (type === VT.i4 && at + 4 <= stream.length) record[name] = stream.readInt32LE(at);
    else if (type === VT.lpstr && at + 4 <= stream.length) {
      const length = stream.readUInt32LE(at);
      if (at + 4 + length > stream.length) continue;
      const bytes = stream.subarray(at + 4, at + 4 + length);
      const end = bytes.indexOf(0);
      record[name] = decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
    } else if (type === VT.filetime && at + 8 <= stream.length) {
      const ticks = stream.readUInt32LE(at) + stream.readUInt32LE(at + 4) * 0x100000000;
      record[name] = new Date(ticks / 10_000 - FILETIME_EPOCH_OFFSET_MS);
    }
  }
  if (codepageValue?.type === VT.i2) info.codepage = codepage;
  return info;
}
