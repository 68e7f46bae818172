// The log level as the IME reads it (ime.md §1.1) and the one verbose-only line it adds.
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createEventStream } from "../../src/events/index.ts";
import {
  agentConfigText,
  IME_AGENT_CONFIG_PATH,
  logLevelOfConfig,
  readLogLevel,
} from "../../src/log/index.ts";
import { renderEvent } from "../../src/log/lines.ts";
import { createLogLevelSwitch } from "../../src/log/log-level.ts";

const T0 = Date.UTC(2026, 0, 1, 8);

describe("switchValue (ime.md §1.1)", () => {
  it("reads Verbose and All as verbose, anything else as Information, case-insensitively", () => {
    expect(logLevelOfConfig(agentConfigText("Verbose"))).toBe("Verbose");
    expect(logLevelOfConfig(agentConfigText("Information"))).toBe("Information");
    expect(logLevelOfConfig('<source name="x" switchValue = "verbose">')).toBe("Verbose");
    expect(logLevelOfConfig("<source switchValue='All'>")).toBe("Verbose");
    expect(logLevelOfConfig('<source switchValue="Warning">')).toBe("Information");
    expect(logLevelOfConfig("<configuration/>")).toBe("Information");
    expect(logLevelOfConfig(undefined)).toBe("Information");
  });

  it("is read from the device's .exe.config when the service starts, not when the file changes", () => {
    const clock = createVirtualClock(T0);
    const device = createDevice({ backend: "memory", clock });
    expect(readLogLevel(device.fs)).toBe("Information");
    const events = createEventStream({ deviceId: "d", clock });
    const level = createLogLevelSwitch(device.fs, events);
    device.fs.writeFile(IME_AGENT_CONFIG_PATH, agentConfigText("Verbose"));
    expect(level.verbose()).toBe(false);
    events.emit({ phase: "service.started", details: { agentVersion: "1.101.111.0", reason: "restart" } });
    expect(level.level()).toBe("Verbose");
    level.dispose();
    device.close();
  });
});

describe("verbose-only lines", () => {
  it("writes the raw reply as `Response from Intune = {` with indented JSON, Win32 calls in AppWorkload.log", () => {
    const clock = createVirtualClock(T0);
    const events = createEventStream({ deviceId: "d", clock });
    const body = '{"RequestContentType":"GetContentInfo","ResponsePayload":"{}"}';
    const [content] = renderEvent(
      events.emit({ phase: "gateway.response", details: { requestContentType: "GetContentInfo", body } }),
    );
    expect(content).toEqual({
      file: "AppWorkload",
      type: 1,
      message:
        'Response from Intune = {\n  "RequestContentType": "GetContentInfo",\n  "ResponsePayload": "{}"\n}',
    });
    const [policy] = renderEvent(
      events.emit({
        phase: "gateway.response",
        details: { requestContentType: "PolicyRequest", body: "[]" },
      }),
    );
    expect(policy?.file).toBe("IntuneManagementExtension");
    // The MDM sync of a Company Portal sync is Windows' session: nothing in the IME's logs.
    expect(
      renderEvent(events.emit({ phase: "mdm.syncRequested", details: { source: "companyPortal" } })),
    ).toEqual([]);
  });
});
