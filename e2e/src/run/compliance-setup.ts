// The scenario's custom compliance policies, published as an admin would (issue 16): the discovery script
// (Graph beta deviceComplianceScripts), the compliance policy carrying it with the rules file
// (deviceCompliancePolicies + deviceCompliancePolicyScript), assigned to all devices; after the run each
// device's status is read back from the policy's deviceStatuses.
import { ImesimError } from "@imesim/contracts/errors";
import type { AdminChannel } from "@imesim/mock-service";
import type { LoadedScenario } from "../scenario/index.ts";
import { bodyOf } from "./script-setup.ts";

const SCRIPTS = "/beta/deviceManagement/deviceComplianceScripts";
const POLICIES = "/beta/deviceManagement/deviceCompliancePolicies";

/** Creates and assigns every compliance policy of the scenario; returns their ids by name. */
export async function publishCompliance(
  channel: AdminChannel,
  scenario: LoadedScenario,
): Promise<Map<string, string>> {
  const published = new Map<string, string>();
  const headers = { authorization: `Bearer ${await channel.graphToken()}` };
  const send = async (step: string, url: string, payload: Record<string, unknown>, expected: number) => {
    const response = await channel.send({ method: "POST", url, headers, payload });
    if (response.statusCode !== expected)
      throw new ImesimError(
        "SCENARIO_COMPLIANCE_PUBLISH",
        `${step} was refused (${response.statusCode}): ${response.body}`,
      );
    return response;
  };
  for (const policy of scenario.source.compliancePolicies ?? []) {
    const script = await send(
      `creating the discovery script of "${policy.name}"`,
      SCRIPTS,
      {
        displayName: `${policy.name} discovery`,
        detectionScriptContent: bodyOf(
          "discovery",
          policy.name,
          policy.discovery,
          policy.discoveryResults !== undefined,
        ),
      },
      201,
    );
    const created = await send(
      `creating compliance policy "${policy.name}"`,
      POLICIES,
      {
        "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
        displayName: policy.name,
        deviceCompliancePolicyScript: {
          deviceComplianceScriptId: String(script.json().id),
          rulesContent: Buffer.from(JSON.stringify(policy.rules), "utf8").toString("base64"),
        },
      },
      201,
    );
    const id = String(created.json().id);
    await send(
      `assigning "${policy.name}"`,
      `${POLICIES}/${id}/assign`,
      { assignments: [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }] },
      204,
    );
    published.set(policy.name, id);
  }
  return published;
}

/** Each device's status (Graph deviceStatuses), by device id (lower case), then by policy name. */
export async function readComplianceStatuses(
  channel: AdminChannel,
  policies: ReadonlyMap<string, string>,
): Promise<Map<string, Map<string, string>>> {
  const headers = { authorization: `Bearer ${await channel.graphToken()}` };
  const byDevice = new Map<string, Map<string, string>>();
  for (const [name, id] of policies) {
    const response = await channel.send({ method: "GET", url: `${POLICIES}/${id}/deviceStatuses`, headers });
    if (response.statusCode !== 200)
      throw new ImesimError(
        "SCENARIO_COMPLIANCE_STATES",
        `reading the device statuses of "${name}" failed (${response.statusCode})`,
      );
    // Entry ids are `<policyId>:<deviceId>` (mock compliance/graph-routes.ts).
    for (const entry of (response.json().value ?? []) as { id: string; status: string }[]) {
      const deviceId = entry.id.slice(id.length + 1).toLowerCase();
      const states = byDevice.get(deviceId) ?? new Map<string, string>();
      states.set(name, entry.status);
      byDevice.set(deviceId, states);
    }
  }
  return byDevice;
}
