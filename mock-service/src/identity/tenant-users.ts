import { randomUUID } from "node:crypto";
import { ImesimError } from "@imesim/contracts/errors";
import type { DeviceUser, UserRecord } from "../store/records.ts";
import type { Store } from "../store/store.ts";

/** What creating a user takes (Graph `POST /users`, contract U): the id is the mock's extension. */
export interface NewUser {
  readonly id?: string | undefined;
  readonly userPrincipalName: string;
  readonly displayName?: string | undefined;
}

/** The display name Entra shows for a user created without one: the UPN's local part. */
function defaultDisplayName(userPrincipalName: string): string {
  return userPrincipalName.split("@")[0] || userPrincipalName;
}

/**
 * Adds a user to the tenant. Object ids are one namespace in Entra, so an id that already names a
 * device or a user is refused (USER_ID_TAKEN), as is a UPN already in use (USER_PRINCIPAL_NAME_TAKEN).
 */
export function createTenantUser(store: Store, input: NewUser): UserRecord {
  const id = (input.id ?? randomUUID()).toLowerCase();
  if (store.getUser(id) !== undefined || store.getDevice(id) !== undefined) {
    throw new ImesimError("USER_ID_TAKEN", `Another object with the id '${id}' already exists.`, {
      path: "id",
    });
  }
  if (store.getUserByPrincipalName(input.userPrincipalName) !== undefined) {
    throw new ImesimError(
      "USER_PRINCIPAL_NAME_TAKEN",
      `Another object with the same value for property userPrincipalName ('${input.userPrincipalName}') already exists.`,
      { path: "userPrincipalName" },
    );
  }
  const user: UserRecord = {
    id,
    userPrincipalName: input.userPrincipalName,
    displayName: input.displayName ?? defaultDisplayName(input.userPrincipalName),
  };
  store.insertUser(user, new Date().toISOString());
  return user;
}

/**
 * The tenant users an enrolling device names (contract U): each entry must match an existing user, by id
 * when it gives one (and then its UPN, if given, must be that user's), else by UPN. A device never declares
 * a user into existence, so it can never name another object (another device) as its user.
 */
export function resolveEnrollmentUsers(
  store: Store,
  requested: readonly { readonly id?: string; readonly userPrincipalName: string }[],
): DeviceUser[] {
  return requested.map((entry, index) => {
    const user =
      entry.id === undefined
        ? store.getUserByPrincipalName(entry.userPrincipalName)
        : store.getUser(entry.id);
    const sameName = user?.userPrincipalName.toLowerCase() === entry.userPrincipalName.toLowerCase();
    if (user === undefined || !sameName) {
      const named =
        entry.id === undefined ? entry.userPrincipalName : `${entry.id} (${entry.userPrincipalName})`;
      throw new ImesimError(
        "ENROLLMENT_USER_UNKNOWN",
        `users/${index}: ${named} is not a user of this tenant; create it first with POST /beta/users.`,
        { path: `users/${index}` },
      );
    }
    return { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName };
  });
}
