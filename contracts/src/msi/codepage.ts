import { ImesimError } from "../errors/index.ts";

const LABELS: Record<number, string> = {
  // windows-formats.md §1.3: 0 is "neutral", decoded with the system ANSI codepage (1252 on en-US).
  0: "windows-1252",
  1252: "windows-1252",
  65001: "utf-8",
  874: "windows-874",
  932: "shift_jis",
  936: "gbk",
  949: "euc-kr",
  950: "big5",
  1250: "windows-1250",
  1251: "windows-1251",
  1253: "windows-1253",
  1254: "windows-1254",
  1255: "windows-1255",
  1256: "windows-1256",
  1257: "windows-1257",
  1258: "windows-1258",
};

/** A decoder for an MSI codepage; codepages outside the Windows ANSI/DBCS set and UTF-8 are refused. */
export function codepageDecoder(codepage: number): TextDecoder {
  const label = LABELS[codepage];
  if (label === undefined) {
    throw new ImesimError("MSI_UNSUPPORTED_CODEPAGE", `MSI codepage ${codepage} is not supported`);
  }
  return new TextDecoder(label);
}
