// The verbose-only lines (ime.md §1.1): with switchValue Verbose the IME logs each raw gateway reply as
// `Response from Intune = {` with the JSON on the following lines (ime.md §1.2, §3.2). The reference names no
// other verbose-only line, so this is the only one we add.
import type { ImeEventOf } from "../events/types.ts";
import type { RenderedLine } from "./lines.ts";

/**
 * The app workload's calls, whose replies V3-era builds log in AppWorkload.log with the rest of the Win32 flow;
 * S9 read them from IntuneManagementExtension.log, where every other reply stays [I: the split is ours].
 */
const APP_WORKLOAD_TYPES: ReadonlySet<string> = new Set([
  "RequestApplication",
  "GetAvailableApp",
  "GetSelectedApp",
  "GetContentInfo",
  "Win32AppResult",
]);

/** The reply pretty-printed (.NET's indented JSON uses two spaces); a body that is not JSON goes as it came. */
function indented(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function renderGatewayResponse(event: ImeEventOf<"gateway.response">): RenderedLine[] {
  const { requestContentType, body } = event.details;
  return [
    {
      file: APP_WORKLOAD_TYPES.has(requestContentType) ? "AppWorkload" : "IntuneManagementExtension",
      message: `Response from Intune = ${indented(body)}`,
      type: 1,
    },
  ];
}
