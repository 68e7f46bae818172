import { ImesimError } from "@imesim/contracts/errors";
import type { Transport } from "./transport.ts";

/** What enrollment gives a device: its identity and MDM certificate with the key (PEM). */
export interface EnrolledDevice {
  readonly deviceId: string;
  readonly tenantId: string;
  readonly certificate: string;
  readonly privateKey: string;
  readonly tokenEndpoint: string;
  readonly users: ReadonlyArray<{ readonly id: string; readonly userPrincipalName: string }>;
}

/** Enrolls a device with the mock (POST /enrollment/devices), the service making the key pair. */
export async function enrollDevice(
  transport: Transport,
  request: {
    deviceName: string;
    osVersion: string;
    users: ReadonlyArray<{ id: string; userPrincipalName: string; displayName: string }>;
  },
): Promise<EnrolledDevice> {
  const response = await transport({
    method: "POST",
    url: "/enrollment/devices",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  if (response.status !== 201) {
    throw new ImesimError(
      "ENROLLMENT_FAILED",
      `enrolling ${request.deviceName} failed: HTTP ${response.status} ${response.body.toString("utf8").slice(0, 300)}`,
    );
  }
  const body = JSON.parse(response.body.toString("utf8")) as EnrolledDevice & { privateKey?: string };
  if (body.privateKey === undefined)
    throw new ImesimError("ENROLLMENT_FAILED", "the service returned no device key");
  return body;
}
