// Synthetic dashboard data of the real shapes, for the views' size tests and the dashboard bench: a long
// AppWorkload log (multi-line records, warnings and errors sprinkled in) and a fleet-size portal.
import type { LogRecord, PortalCell, PortalView } from "@imesim/dashboard/api";

/** `count` log records; record `marked.index`, when given, carries `marked.message`. */
export function syntheticLogRecords(count: number, marked?: { index: number; message: string }): LogRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    message:
      index === marked?.index
        ? marked.message
        : index % 50 === 0
          ? `[Win32App] Get policies = [{"Id":"app-${index}",\n"Name":"App ${index}"}]`
          : `[Win32App] step ${index} of the enforcement, lpExitCode ${index % 7}`,
    time: "08:02:27.0000001",
    date: "1-5-2026",
    component: "AppWorkload",
    type: index % 97 === 0 ? 3 : index % 31 === 0 ? 2 : 1,
    thread: 15,
  }));
}

/** `devices` devices × `apps` apps, their statuses cycling through installed, failed, pending and not applicable. */
export function syntheticPortal(devices: number, apps: number): PortalView {
  const statuses: PortalCell["status"][] = ["installed", "failed", "pending", "notApplicable"];
  const appList = Array.from({ length: apps }, (_, index) => ({ id: `app-${index}`, name: `App ${index}` }));
  return {
    apps: appList,
    rows: Array.from({ length: devices }, (_, d) => ({
      deviceId: `device-${d}`,
      deviceName: `DESKTOP-${String(d).padStart(5, "0")}`,
      cells: Object.fromEntries(
        appList.map((app, a) => {
          const status = statuses[(d + a) % statuses.length] ?? "installed";
          const failed = status === "failed";
          const cell: PortalCell = {
            status,
            enforcementState: failed ? 5000 : 1000,
            stateName: failed ? "Error" : "Success",
            errorHex: failed ? "0x87D1041C" : undefined,
            errorMeaning: failed ? "App not detected after install" : undefined,
          };
          return [app.id, cell];
        }),
      ),
    })),
  };
}
