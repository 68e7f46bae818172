// Enrollment with the mock service: the device's identity and MDM certificate (what Windows enrollment
// gives a real device before the IME ever runs).
import { type Dispatcher, request } from "undici";
import type { DeviceIdentity } from "./device-identity.ts";
import { failureOf, networkFailure } from "./http-errors.ts";
import { ServiceError } from "./types.ts";

/** What `POST /enrollment/devices` of the mock service asks for. */
export interface EnrollmentRequest {
  readonly deviceName: string;
  readonly osVersion?: string;
  readonly users?: ReadonlyArray<{ userPrincipalName: string; displayName?: string; id?: string }>;
}

/** An enrolled device: its identity and the users who sign in on it (Entra object ids). */
export interface Enrollment {
  readonly identity: DeviceIdentity;
  readonly users: ReadonlyArray<{ id: string; userPrincipalName: string; displayName: string }>;
}

/** Enrolls a device with the mock service at `baseUrl` (the service makes the key pair). */
export async function enrollDevice(
  baseUrl: string,
  enrollment: EnrollmentRequest,
  options: { dispatcher?: Dispatcher } = {},
): Promise<Enrollment> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${baseUrl.replace(/\/+$/, "")}/enrollment/devices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(enrollment),
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
  } catch (error) {
    throw networkFailure(error, "enrollment", false);
  }
  const text = await response.body.text();
  if (response.statusCode !== 201) {
    throw new ServiceError(
      failureOf(response.statusCode),
      `enrollment: HTTP ${response.statusCode} ${text.slice(0, 200)}`,
      {
        status: response.statusCode,
      },
    );
  }
  const body = JSON.parse(text) as {
    deviceId: string;
    deviceName: string;
    osVersion: string;
    certificate: string;
    privateKey?: string;
    caCertificate?: string;
    tokenEndpoint: string;
    serviceDiscoveryUrl: string;
    users: Array<{ id: string; userPrincipalName: string; displayName: string }>;
  };
  if (body.privateKey === undefined) {
    throw new ServiceError(
      "badResponse",
      "enrollment: the service kept the private key; send no certificateSigningRequest",
    );
  }
  return {
    identity: {
      deviceId: body.deviceId,
      deviceName: body.deviceName,
      osVersion: body.osVersion,
      certificatePem: body.certificate,
      privateKeyPem: body.privateKey,
      tokenEndpoint: body.tokenEndpoint,
      serviceDiscoveryUrl: body.serviceDiscoveryUrl,
      ...(body.caCertificate === undefined ? {} : { caCertificatePem: body.caCertificate }),
    },
    users: body.users,
  };
}
