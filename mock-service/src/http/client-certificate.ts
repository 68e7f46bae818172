// The device channel's mutual TLS (ime.md §3.1–3.2, graph-win32.md §5.4): service discovery and every
// SideCar session are authenticated with the MDM device certificate as the TLS client certificate.
import type { X509Certificate } from "node:crypto";
import { TLSSocket } from "node:tls";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../context.ts";
import { thumbprintOf } from "../pki/authority.ts";
import type { DeviceRecord } from "../store/records.ts";
import { sendGraphError } from "./graph-error.ts";

/** What the check found: the device the certificate belongs to, or no TLS at all (plain HTTP, `inject`). */
export type ClientCertificateCheck =
  | { readonly kind: "device"; readonly device: DeviceRecord }
  | { readonly kind: "noTls" };

/**
 * Requires the TLS client certificate of an enrolled device: issued by the service's CA, CN = a device id
 * the store knows, and that device's thumbprint. With `expectedDeviceId` (the device named by the bearer
 * token) it must also be that device. On failure it sends 403 and returns undefined.
 *
 * Over plain HTTP (and `inject`, which has no socket of its own) no client certificate can exist, so the
 * check is skipped and `{ kind: "noTls" }` returned: the mock without `--tls` behaves as before.
 */
export function requireDeviceCertificate(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  expectedDeviceId?: string,
): ClientCertificateCheck | undefined {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket)) return { kind: "noTls" };
  const deny = (message: string): undefined => {
    // Graph's code for a refused caller (graph-win32.md §6 Errors); the agent counts a 403 as unauthorized.
    sendGraphError(request, reply, 403, "accessDenied", message);
    return undefined;
  };
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined)
    return deny("No client certificate: the device channel needs the MDM device certificate (mutual TLS).");
  if (!context.authority.issued(certificate))
    return deny(
      "Unknown client certificate: it was not issued by this service's device CA, or it is out of date.",
    );
  const deviceId = commonNameOf(certificate);
  const device = deviceId === undefined ? undefined : context.store.getDevice(deviceId);
  if (device === undefined || device.thumbprint !== thumbprintOf(certificate.raw))
    return deny("Unknown client certificate: it is not the certificate of an enrolled device.");
  if (expectedDeviceId !== undefined && device.id.toLowerCase() !== expectedDeviceId.toLowerCase())
    return deny("The client certificate is another device's: it does not match the token's device.");
  return { kind: "device", device };
}

/** The subject's CN; device certificates carry the device id there (enroll-device.ts). */
function commonNameOf(certificate: X509Certificate): string | undefined {
  // node:crypto prints the subject one attribute a line ("CN=…").
  const line = certificate.subject.split("\n").find((attribute) => attribute.startsWith("CN="));
  return line?.slice(3);
}
