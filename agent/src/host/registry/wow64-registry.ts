// WOW64 registry redirection (windows-formats.md §4.1): what a 32-bit process on 64-bit Windows sees.
import { foldCase } from "../paths.ts";
import type { KeyPath } from "./registry-store.ts";

const WOW = "WOW6432Node";

// Subkeys of HKLM\SOFTWARE shared between the views on Windows 7 and later (windows-formats.md §4.1 table).
const SHARED_SOFTWARE_KEYS = [
  "Classes",
  "Clients",
  "Policies",
  "RegisteredApplications",
  ...[
    "COM3",
    "DFS",
    "Driver Signing",
    "EnterpriseCertificates",
    "EventSystem",
    "MSMQ",
    "Non-Driver Signing",
    "Notepad\\DefaultFonts",
    "OLE",
    "RAS",
    "RPC",
    "Shared Tools\\MSInfo",
    "SystemCertificates",
    "TermServLicensing",
    "Transaction Server",
    "Cryptography\\Calais\\Current",
    "Cryptography\\Calais\\Readers",
    "Cryptography\\Services",
    "CTF\\SystemShared",
    "CTF\\TIP",
  ].map((key) => `Microsoft\\${key}`),
  ...[
    "App Paths",
    "Control Panel\\Cursors\\Schemes",
    "Explorer\\AutoplayHandlers",
    "Explorer\\DriveIcons",
    "Explorer\\KindMap",
    "Group Policy",
    "Policies",
    "PreviewHandlers",
    "Setup",
    "Telephony\\Locations",
  ].map((key) => `Microsoft\\Windows\\CurrentVersion\\${key}`),
  ...[
    "Console",
    "FontDpi",
    "FontLink",
    "FontMapper",
    "Fonts",
    "FontSubstitutes",
    "Gre_Initialize",
    "Image File Execution Options",
    "Language Pack",
    "NetworkCards",
    "Perflib",
    "Ports",
    "Print",
    "ProfileList",
    "Time Zones",
  ].map((key) => `Microsoft\\Windows NT\\CurrentVersion\\${key}`),
].map((key) => key.split("\\").map(foldCase));

// Subkeys of a Classes key that are redirected to Classes\WOW6432Node (windows-formats.md §4.1).
const REDIRECTED_CLASSES_KEYS = new Set([
  "clsid",
  "directshow",
  "interface",
  "media type",
  "mediafoundation",
]);

function startsWith(names: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= names.length && prefix.every((name, i) => foldCase(names[i]!) === name);
}

/** Redirects classes subkeys under `classesAt` (the index of the Classes name); unchanged when shared. */
function redirectClasses(path: KeyPath, classesAt: number): KeyPath {
  const sub = path[classesAt + 1];
  if (sub === undefined || !REDIRECTED_CLASSES_KEYS.has(foldCase(sub))) return path;
  return [...path.slice(0, classesAt + 1), WOW, ...path.slice(classesAt + 1)];
}

/**
 * The stored path a 32-bit process reaches for `path` on 64-bit Windows. Paths that already name
 * WOW6432Node are left alone (a 64-bit process may open them directly, and so may a 32-bit one).
 */
export function redirectFor32Bit(path: KeyPath): KeyPath {
  const [root, second, third] = path;
  if (root === "HKEY_LOCAL_MACHINE" && second !== undefined && foldCase(second) === "software") {
    if (third !== undefined && foldCase(third) === foldCase(WOW)) return path;
    const below = path.slice(2);
    if (third !== undefined && foldCase(third) === "classes") return redirectClasses(path, 2);
    if (SHARED_SOFTWARE_KEYS.some((shared) => startsWith(below, shared))) return path;
    return [...path.slice(0, 2), WOW, ...below];
  }
  // HKU\<sid>\Software\Classes: only the class subkeys above are redirected; the rest of HKCU is shared.
  if (
    root === "HKEY_USERS" &&
    path.length >= 4 &&
    foldCase(path[2]!) === "software" &&
    foldCase(path[3]!) === "classes"
  ) {
    return redirectClasses(path, 3);
  }
  return path;
}
