import type { DeviceRecord } from "../store/records.ts";
import type { FilterDevice } from "./filter-evaluate.ts";

/**
 * The enumerated values a device has when it enrolled without saying: those of S12's Entra-joined lab
 * device (ime.md §11b): an x64 machine, Entra joined, corporate-owned, no TPM attestation.
 */
const enrollmentDefaults: FilterDevice = {
  cpuArchitecture: "amd64",
  deviceTrustType: "Azure AD joined",
  deviceOwnership: "Corporate",
  isTpmAttested: "False",
};

/** What assignment filters see of an enrolled device: its name and OS version, and what it enrolled with. */
export function filterViewOf(device: DeviceRecord, enrolled: Readonly<Record<string, string>>): FilterDevice {
  return {
    ...enrollmentDefaults,
    deviceName: device.name,
    osVersion: device.osVersion,
    operatingSystemVersion: device.osVersion,
    ...enrolled,
  };
}
