import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { ImesimError } from "../errors/index.ts";
import { GatewayContractErrorCode } from "./error-codes.ts";
import { checkGatewayValue } from "./json-member.ts";

/** Service discovery path on the manage host (ime.md §3.1 item 1). */
export const SERVICE_DISCOVERY_PATH =
  "/RestUserAuthLocationService/RestUserAuthLocationService/Certificate/ServiceAddresses";

/** The service name of the SideCar gateway in the discovery answer. */
export const SIDECAR_SERVICE_NAME = "SideCarGatewayService";

/** One `{ServiceName, Url}` entry. */
export const ServiceAddressSchema = Type.Object({ ServiceName: Type.String(), Url: Type.String() });

/** The discovery answer: an array whose `[0].Services[]` lists the services (ime.md §3.1 item 1). */
export const ServiceAddressesSchema = Type.Array(
  Type.Object({ Services: Type.Array(ServiceAddressSchema) }),
  {
    minItems: 1,
  },
);
export type ServiceAddresses = Static<typeof ServiceAddressesSchema>;

const checker = Compile(ServiceAddressesSchema);

/** Builds the discovery answer for a set of service URLs. */
export function createServiceAddresses(services: Readonly<Record<string, string>>): ServiceAddresses {
  return [{ Services: Object.entries(services).map(([ServiceName, Url]) => ({ ServiceName, Url })) }];
}

/** The SideCar gateway URL of a discovery answer, as the IME picks it. */
export function sideCarGatewayUrl(body: unknown): string {
  const addresses = checkGatewayValue(body, checker, "ServiceAddresses", "");
  const entry = addresses[0]?.Services.find((service) => service.ServiceName === SIDECAR_SERVICE_NAME);
  if (entry === undefined) {
    throw new ImesimError(
      GatewayContractErrorCode.Invalid,
      `ServiceAddresses lists no ${SIDECAR_SERVICE_NAME}`,
      { path: "[0].Services" },
    );
  }
  return entry.Url;
}
