import type { TokenClaims } from "../identity/token-issuer.ts";

/** The permissions that admit a request: any one of them (Graph lists "one of the following"). */
interface Requirement {
  readonly anyOf: readonly string[];
  /** Intune answers a missing permission as `Forbidden`, the directory as `Authorization_RequestDenied`. */
  readonly directory: boolean;
}

const readWrite = (family: string) => [`${family}.ReadWrite.All`];
const readOrWrite = (family: string) => [`${family}.Read.All`, `${family}.ReadWrite.All`];

/**
 * Which permission a Graph route family needs, as Graph's permission tables list them (graph-win32.md §5.3:
 * DeviceManagementApps.ReadWrite.All for writes, .Read.All for reads and reports; assign and
 * updateRelationships also take DeviceManagementConfiguration.ReadWrite.All). `path` is the route pattern
 * after the version segment, lower case; returns undefined for routes that need none of their own ($batch,
 * whose inner requests are each checked).
 */
export function requiredPermission(method: string, path: string): Requirement | undefined {
  const write = method !== "GET" && method !== "HEAD";
  if (path === "/$batch") return undefined;
  if (path.startsWith("/users")) {
    const anyOf = write
      ? [...readWrite("User"), ...readWrite("Directory")]
      : [...readOrWrite("User"), "User.ReadBasic.All", ...readOrWrite("Directory")];
    return { anyOf, directory: true };
  }
  if (path.startsWith("/groups")) {
    const members = path.includes("/members");
    const anyOf = write
      ? [...readWrite("Group"), ...readWrite("Directory"), ...(members ? readWrite("GroupMember") : [])]
      : [...readOrWrite("Group"), ...readOrWrite("GroupMember"), ...readOrWrite("Directory")];
    return { anyOf, directory: true };
  }
  if (path.startsWith("/devicemanagement/reports/"))
    return {
      anyOf: [
        ...readOrWrite("DeviceManagementApps"),
        ...readOrWrite("DeviceManagementManagedDevices"),
        ...readOrWrite("DeviceManagementConfiguration"),
      ],
      directory: false,
    };
  if (
    path.startsWith("/devicemanagement/rolescopetags") ||
    path.startsWith("/devicemanagement/getrolescopetags")
  )
    return {
      anyOf: write ? readWrite("DeviceManagementRBAC") : readOrWrite("DeviceManagementRBAC"),
      directory: false,
    };
  // Discovered apps are device data: Graph's detectedApp pages list DeviceManagementManagedDevices.*.
  if (
    path.startsWith("/devicemanagement/manageddevices") ||
    path.startsWith("/devicemanagement/detectedapps")
  )
    return {
      anyOf: write
        ? readWrite("DeviceManagementManagedDevices")
        : readOrWrite("DeviceManagementManagedDevices"),
      directory: false,
    };
  if (path.startsWith("/devicemanagement/"))
    return {
      anyOf: write
        ? readWrite("DeviceManagementConfiguration")
        : readOrWrite("DeviceManagementConfiguration"),
      directory: false,
    };
  // Apps (deviceAppManagement) and anything not listed above: the app permissions.
  if (!write) return { anyOf: readOrWrite("DeviceManagementApps"), directory: false };
  const assigns = path.endsWith("/assign") || path.endsWith("/updaterelationships");
  return {
    anyOf: [
      ...readWrite("DeviceManagementApps"),
      ...(assigns ? readWrite("DeviceManagementConfiguration") : []),
    ],
    directory: false,
  };
}

/** The permissions a token holds: application `roles` for app-only tokens, delegated `scp` otherwise. */
export function permissionsOf(claims: TokenClaims): ReadonlySet<string> {
  if (Array.isArray(claims.roles) && claims.idtyp === "app") return new Set(claims.roles.map(String));
  return new Set(typeof claims.scp === "string" ? claims.scp.split(/\s+/) : []);
}

/** Why `claims` may not call `method path` (Graph's code and message), or undefined when it may. */
export function permissionDenial(
  claims: TokenClaims,
  method: string,
  path: string,
): { readonly code: string; readonly message: string } | undefined {
  const requirement = requiredPermission(method, path);
  if (requirement === undefined) return undefined;
  const held = permissionsOf(claims);
  const lower = new Set([...held].map((permission) => permission.toLowerCase()));
  if (requirement.anyOf.some((permission) => lower.has(permission.toLowerCase()))) return undefined;
  if (requirement.directory)
    return {
      code: "Authorization_RequestDenied",
      message: `Insufficient privileges to complete the operation. It needs one of: ${requirement.anyOf.join(", ")}.`,
    };
  return {
    code: "Forbidden",
    message: `Application is not authorized to perform this operation. Application must have one of the following scopes: ${requirement.anyOf.join(", ")}`,
  };
}
