// The file version of a PE file (.exe/.dll), as the IME's file-version detection reads it: the numeric
// VS_FIXEDFILEINFO dwFileVersionMS/LS formatted a.b.c.d without leading zeros, not the free-text
// StringFileInfo "FileVersion" (windows-formats.md §2.5). Parsing is resedit's.
import * as ResEdit from "resedit";

/** The fixed file version (`1.2.3.4`) of a PE image, or undefined when it is not a PE or has no version. */
export function readPeFileVersion(bytes: Uint8Array): string | undefined {
  // Cheap rejection of everything that is not a PE image before handing it to the parser.
  if (bytes.length < 64 || bytes[0] !== 0x4d || bytes[1] !== 0x5a) return undefined;
  try {
    const executable = ResEdit.NtExecutable.from(bytes, { ignoreCert: true });
    const resources = ResEdit.NtExecutableResource.from(executable);
    const [info] = ResEdit.Resource.VersionInfo.fromEntries(resources.entries);
    if (info === undefined) return undefined;
    const { fileVersionMS: ms, fileVersionLS: ls } = info.fixedInfo;
    return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
  } catch {
    // A truncated or malformed image has no readable version, as GetFileVersionInfo would fail on it.
    return undefined;
  }
}
