// Which undici dispatcher each of the agent's requests goes out on. The device channel (service discovery
// and SideCar sessions) authenticates with the MDM device certificate as the TLS client certificate
// (ime.md §3.1–3.2, graph-win32.md §5.4); the token endpoint and the content download take none.
import { getCACertificates } from "node:tls";
import { Agent, type Dispatcher } from "undici";
import type { DeviceIdentity } from "./device-identity.ts";

/** The dispatchers of one service client; undefined means undici's global dispatcher. */
export interface ServiceDispatchers {
  /** Service discovery and SideCar sessions. */
  readonly deviceChannel: Dispatcher | undefined;
  /** The token endpoint and the content download. */
  readonly other: Dispatcher | undefined;
  /** The dispatchers made here (not a caller's), which the client closes when it is done. */
  readonly created: readonly Dispatcher[];
}

/**
 * The dispatchers for talking to the service of `identity`. A dispatcher the caller gives carries every
 * request as it is (tests, in-process runs, proxies). Otherwise, when the service speaks HTTPS, the device
 * channel presents the device's certificate and key, and both trust the CA enrollment handed out on top of
 * the default roots (NODE_EXTRA_CA_CERTS included). Over plain HTTP there is no TLS to configure.
 */
export function serviceDispatchers(identity: DeviceIdentity, given?: Dispatcher): ServiceDispatchers {
  if (given !== undefined) return { deviceChannel: given, other: given, created: [] };
  if (!identity.serviceDiscoveryUrl.toLowerCase().startsWith("https:"))
    return { deviceChannel: undefined, other: undefined, created: [] };
  // Naming `ca` replaces Node's default trust, so the default roots are kept beside the service's CA.
  const trust =
    identity.caCertificatePem === undefined
      ? {}
      : { ca: [...getCACertificates("default"), identity.caCertificatePem] };
  const deviceChannel = new Agent({
    connect: { ...trust, cert: identity.certificatePem, key: identity.privateKeyPem },
  });
  const other = identity.caCertificatePem === undefined ? undefined : new Agent({ connect: trust });
  return { deviceChannel, other, created: other === undefined ? [deviceChannel] : [deviceChannel, other] };
}
