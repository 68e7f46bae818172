// The scenario's device users as users of the mock's tenant (contract U): Entra users exist before a device
// enrolls with them, so a run creates them through Graph, as an admin would, before any device enrolls.
import { ImesimError } from "@imesim/contracts/errors";
import type { MockIntuneServer } from "@imesim/mock-service";
import type { LoadedScenario, LoadedUser } from "../scenario/index.ts";

/** The UPN a scenario user signs in with: the name's letters and digits at contoso.com. */
function userPrincipalNameOf(user: LoadedUser): string {
  return `${user.name.replace(/[^A-Za-z0-9._-]/g, "").toLowerCase() || "user"}@contoso.com`;
}

/** What a device of the scenario sends at enrollment for its users (ids and UPNs of tenant users). */
export function enrollmentUsersOf(
  scenario: LoadedScenario,
): { id: string; userPrincipalName: string; displayName: string }[] {
  const taken = new Set<string>();
  return scenario.users.map((user) => {
    let userPrincipalName = userPrincipalNameOf(user);
    // A UPN is unique in a tenant: two names that shorten alike ("Ada L." and "ada l") are told apart by id.
    if (taken.has(userPrincipalName))
      userPrincipalName = userPrincipalName.replace("@", `.${user.objectId.slice(0, 8)}@`);
    taken.add(userPrincipalName);
    return { id: user.objectId, userPrincipalName, displayName: user.name };
  });
}

/** Creates every scenario user in the in-process service's tenant (Graph `POST /beta/users`). */
export async function createTenantUsers(server: MockIntuneServer, scenario: LoadedScenario): Promise<void> {
  if (scenario.users.length === 0) return;
  const token = await server.intune.tokens.issueAdminToken("imesim-run", "https://graph.microsoft.com");
  for (const user of enrollmentUsersOf(scenario)) {
    const response = await server.inject({
      method: "POST",
      url: "/beta/users",
      headers: { authorization: `Bearer ${token}` },
      payload: user,
    });
    if (response.statusCode !== 201)
      throw new ImesimError(
        "SCENARIO_USER_REFUSED",
        `the service refused user ${user.displayName} (${user.userPrincipalName}): ${response.body.slice(0, 300)}`,
      );
  }
}
