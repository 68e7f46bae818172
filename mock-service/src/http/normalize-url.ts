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
  const session = sessionKeyPath(path);
  if (session !== undefined) return session + query;
  // Each rewrite runs only when the path has what it matches (a parenthesis, a `graph.` segment, the doubled
  // segment): most requests (content, tokens, discovery) have none, and the result is the same (issue 18). The two
  // words are looked for in the lower-cased path, not by case-insensitive regular expressions (cold in a fleet, a few
  // µs each): the same test, as no other character lower-cases into their letters (U+212A gives k, U+0130 an i with
  // a combining dot after it, which no `c` follows).
  let rewritten = path;
  if (rewritten.includes("("))
    rewritten = rewritten
      .replace(/\/([A-Za-z]+)\(%27([^/%]+)%27\)/g, "/$1/$2")
      .replace(/\/([A-Za-z]+)\('([^/']+)'\)/g, "/$1/$2");
  let lowerCase = rewritten.toLowerCase();
  if (lowerCase.includes("graph.")) {
    rewritten = rewritten
      .replace(/\/(microsoft\.)?graph\.win32LobApp(?=\/|$)/gi, "")
      .replace(/\/microsoft\.graph\.(assign|commit|renewUpload|updateRelationships)(?=\/|$)/gi, "/$1");
    lowerCase = rewritten.toLowerCase();
  }
  if (lowerCase.includes("/deviceappmanagement/deviceappmanagement/"))
    rewritten = rewritten.replace(/\/deviceAppManagement\/deviceAppManagement\//gi, "/deviceAppManagement/");
  return rewritten + query;
}

// Every check-in's path, `/SideCar/SideCarGatewaySessions('{id}')`, rewritten without the regular expressions: in a
// fleet their global replaces cost ~8 µs a call against ~2 µs for every other path (cold code, measured with the
// devices running; ~0.7 µs in a loop), most of the mock's URL handling (issue 18). Only an id of letters, digits and
// hyphens (a GUID) comes this way, and for it the rewrites above give the same: the second one turns the key
// segment into `/{id}`, and there is no `%27`, `graph.` or doubled segment for the others to find.
const sessionKeyPrefix = "/SideCar/SideCarGatewaySessions('";
const sessionKeySuffix = "')";

function sessionKeyPath(path: string): string | undefined {
  const end = path.length - sessionKeySuffix.length;
  if (
    end <= sessionKeyPrefix.length ||
    !path.startsWith(sessionKeyPrefix) ||
    !path.endsWith(sessionKeySuffix)
  )
    return undefined;
  for (let index = sessionKeyPrefix.length; index < end; index += 1)
    if (!isIdCharacter(path.charCodeAt(index))) return undefined;
  return `/SideCar/SideCarGatewaySessions/${path.slice(sessionKeyPrefix.length, end)}`;
}

/** A-Z, a-z, 0-9 or a hyphen. */
function isIdCharacter(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d
  );
}
