// A scenario's device users as tenant users (contract U): what enrollment names and what an admin creates
// over Graph before the device enrolls. One rule for the UPN, so both sides name the same user.
import type { LoadedUser } from "../scenario/index.ts";

/** The Graph user (and enrollment `users[]` entry) of a scenario user. */
export function tenantUserOf(user: LoadedUser): {
  id: string;
  userPrincipalName: string;
  displayName: string;
} {
  return {
    id: user.objectId,
    userPrincipalName: `${user.name.replace(/[^A-Za-z0-9._-]/g, "").toLowerCase() || "user"}@contoso.com`,
    displayName: user.name,
  };
}
