/**
 * Rewrites the URL spellings real clients use into the one form the routes are registered
 * under (graph-win32.md §6 Paths, §2.1, §2.5):
 * - OData key syntax `mobileApps('{id}')` and `SideCarGatewaySessions('{id}')` → `/{id}`;
 * - the type-cast segment `microsoft.graph.win32LobApp` / `graph.win32LobApp` → dropped;
 * - namespace-qualified actions `microsoft.graph.commit` → `commit`;
 * - IntuneWin32App 1.5.0's doubled `deviceAppManagement/deviceAppManagement/` → single.
 * The query string is kept as it is. Case is left alone: the router matches without regard to it.
 */
export function normalizeUrl(url: string): string {
  const queryStart = url.indexOf("?");
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? "" : url.slice(queryStart);
  // Each rewrite runs only when the path has what it matches (a parenthesis, a `graph.` segment, the doubled
  // segment): most requests (content, tokens, discovery) have none, and the result is the same (issue 18).
  let rewritten = path;
  if (rewritten.includes("("))
    rewritten = rewritten
      .replace(/\/([A-Za-z]+)\(%27([^/%]+)%27\)/g, "/$1/$2")
      .replace(/\/([A-Za-z]+)\('([^/']+)'\)/g, "/$1/$2");
  if (/graph\./i.test(rewritten))
    rewritten = rewritten
      .replace(/\/(microsoft\.)?graph\.win32LobApp(?=\/|$)/gi, "")
      .replace(/\/microsoft\.graph\.(assign|commit|renewUpload|updateRelationships)(?=\/|$)/gi, "/$1");
  if (/\/deviceAppManagement\/deviceAppManagement\//i.test(rewritten))
    rewritten = rewritten.replace(/\/deviceAppManagement\/deviceAppManagement\//gi, "/deviceAppManagement/");
  return rewritten + query;
}
