// An installer's writes are off the device while its process runs and land, in order, when it ends.
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createDevice } from "../../src/host/index.ts";
import { stageHost } from "../../src/machines/staged-install.ts";

const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const system32 = { view: 32 } as const;

function device() {
  const d = createDevice({ backend: "memory", clock: createVirtualClock(0) });
  d.fs.writeFile("C:\\Program Files\\Old\\old.exe", "old", { version: "1.0.0.0" });
  d.fs.writeFile("C:\\Program Files\\Keep\\keep.txt", "v1");
  d.registry.setValue(`${UNINSTALL}\\Old`, "DisplayName", { type: "REG_SZ", data: "Old" }, system32);
  return d;
}

/** What an install that upgrades Old to New does, reading back its own writes as a real setup would. */
function install(host: ReturnType<typeof stageHost>["host"]): string {
  host.fs.writeFile("C:\\Program Files\\New\\bin\\new.exe", "new", { version: "2.0.0.0" });
  host.fs.writeFile("C:\\Program Files\\Keep\\keep.txt", "v2");
  host.fs.remove("C:\\Program Files\\Old");
  host.fs.rename("C:\\Program Files\\New\\bin\\new.exe", "C:\\Program Files\\New\\new.exe");
  host.registry.setValue(`${UNINSTALL}\\New`, "DisplayName", { type: "REG_SZ", data: "New" }, system32);
  host.registry.deleteKey(`${UNINSTALL}\\Old`, system32);
  return new TextDecoder().decode(host.fs.readFile("C:\\Program Files\\New\\new.exe"));
}

describe("staged installer effects (issue 13 crash semantics)", () => {
  it("lets the installer read its own writes, then leaves the device as it was until the process ends", () => {
    const d = device();
    const staged = stageHost(d);
    expect(install(staged.host)).toBe("new");
    staged.stage();
    expect(d.fs.stat("C:\\Program Files\\New")).toBeUndefined();
    expect(d.fs.fileVersion("C:\\Program Files\\Old\\old.exe")).toBe("1.0.0.0");
    expect(new TextDecoder().decode(d.fs.readFile("C:\\Program Files\\Keep\\keep.txt"))).toBe("v1");
    expect(d.registry.keyExists(`${UNINSTALL}\\New`, system32)).toBe(false);
    expect(d.registry.getValue(`${UNINSTALL}\\Old`, "DisplayName", system32)).toEqual({
      type: "REG_SZ",
      data: "Old",
    });
  });

  it("lands every write in order when the process ends", () => {
    const d = device();
    const staged = stageHost(d);
    install(staged.host);
    staged.stage();
    staged.land();
    expect(d.fs.fileVersion("C:\\Program Files\\New\\new.exe")).toBe("2.0.0.0");
    expect(d.fs.stat("C:\\Program Files\\New\\bin")?.kind).toBe("directory");
    expect(d.fs.stat("C:\\Program Files\\Old")).toBeUndefined();
    expect(new TextDecoder().decode(d.fs.readFile("C:\\Program Files\\Keep\\keep.txt"))).toBe("v2");
    expect(d.registry.keyExists(`${UNINSTALL}\\Old`, system32)).toBe(false);
    expect(d.registry.getValue(`${UNINSTALL}\\New`, "DisplayName", system32)?.data).toBe("New");
  });
});
