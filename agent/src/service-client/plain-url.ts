// URLs the WHATWG parser gives back unchanged, split without it. Every request of a fleet's devices goes to a plain
// `http://127.0.0.1:port/...` URL (or a plain host name), and a `new URL` per request was a measurable share of the
// in-process transport (issue 18). Anything not provably plain still goes through `new URL`.

/**
 * A path that URL parsing gives back unchanged: one leading slash, only characters neither the path nor the
 * (special-scheme) query percent-encodes, no backslash, fragment or empty query. Dot segments (`.`, `..`, `%2e`)
 * are ruled out separately (`dotSegment`).
 */
const plainPathAndQuery = /^\/(?!\/)[A-Za-z0-9\-_~!$&'()*+,;=:@%/.]*(?:\?[A-Za-z0-9\-_~!$&()*+,;=:@%/?.]+)?$/;
const dotSegment = /\/(?:\.|%2e)/i;

/** True when `new URL(path, base)` writes `path` back as its pathname and search, unchanged. */
export function isPlainPath(path: string): boolean {
  return plainPathAndQuery.test(path) && !dotSegment.test(path);
}

/**
 * Scheme, host and optional port of a plain URL, then its path. The host is a dotted quad written as the parser
 * writes it (no leading zeros, each part at most 255), or lower-case ASCII labels whose last one starts with a
 * letter (so never read as an IPv4 number) and none of which is punycode (`xn--`, which the parser validates).
 */
const plainOrigin =
  /^(https?):\/\/((?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)|(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(?::([1-9]\d{0,4}))?(?=\/)/;

/** The last plain scheme-host-port checked and its origin: a run's requests all go to one (issue 18). */
let lastHead = "";
let lastOrigin = "";

/** The origin and path (pathname plus search) `new URL(url)` gives, when `url` is plain; otherwise undefined. */
export function plainOriginAndPath(
  url: string,
): { readonly origin: string; readonly path: string } | undefined {
  let origin = lastOrigin;
  // The head is followed by the path's slash, so a longer host or port never passes for it.
  if (lastHead === "" || !url.startsWith(lastHead) || url.charCodeAt(lastHead.length) !== 0x2f) {
    const head = plainOrigin.exec(url);
    if (head === null) return undefined;
    const [whole, scheme, host = "", port] = head;
    const portNumber = port === undefined ? undefined : Number(port);
    if (host.includes("xn--") || (portNumber !== undefined && portNumber > 65_535)) return undefined;
    // The scheme's default port is left out of the origin, as the parser leaves it out.
    const isDefault = portNumber === (scheme === "https" ? 443 : 80);
    origin = port === undefined || isDefault ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
    lastHead = whole;
    lastOrigin = origin;
  }
  const path = url.slice(lastHead.length);
  return isPlainPath(path) ? { origin, path } : undefined;
}

/** What `new URL(url)` gives as origin and as pathname plus search (and throws what it throws). */
export function originAndPath(url: string): { readonly origin: string; readonly path: string } {
  const plain = plainOriginAndPath(url);
  if (plain !== undefined) return plain;
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
