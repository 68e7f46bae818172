import { ImesimError } from "@imesim/contracts/errors";

/** The tenant's default domain when the service is started without one (Entra's initial-domain form). */
export const defaultTenantDomain = "imesim.onmicrosoft.com";

// A DNS name of at least two labels: what Entra accepts as a verified domain.
const domainPattern =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * The tenant's domain names, lower case, the default first: `domains` as given, or the default domain
 * when none are. A name that is not a DNS name of two or more labels is refused, naming it.
 */
export function resolveTenantDomains(domains: readonly string[] | undefined): readonly string[] {
  if (domains === undefined || domains.length === 0) return [defaultTenantDomain];
  const resolved: string[] = [];
  for (const domain of domains) {
    const name = domain.trim().toLowerCase();
    if (!domainPattern.test(name)) {
      throw new ImesimError(
        "SERVICE_TENANT_DOMAIN_INVALID",
        `'${domain}' is not a domain name (expected something like contoso.onmicrosoft.com).`,
        { path: "tenantDomains" },
      );
    }
    if (!resolved.includes(name)) resolved.push(name);
  }
  return resolved;
}

/**
 * True when `name` (an authority URL's tenant segment) names this tenant: its id, one of its domains, or
 * the multi-tenant aliases `common` and `organizations` (graph-win32.md §5.2; Entra answers AADSTS90002
 * for anything else).
 */
export function namesTenant(name: string, tenantId: string, domains: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return lower === "common" || lower === "organizations" || lower === tenantId || domains.includes(lower);
}
