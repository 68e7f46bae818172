// The client splits plain URLs into origin and path by hand instead of `new URL`: both ways must agree on every
// URL, the ones a fleet sends (split by hand) and each spelling the parser rewrites or refuses (left to it).
import { describe, expect, it } from "vitest";
import { originAndPath, plainOriginAndPath } from "../../src/service-client/plain-url.ts";

/** What `new URL` gives, or "throws". */
function parsed(url: string): { origin: string; path: string } | "throws" {
  try {
    const target = new URL(url);
    return { origin: target.origin, path: `${target.pathname}${target.search}` };
  } catch {
    return "throws";
  }
}

function split(url: string): { origin: string; path: string } | "throws" {
  try {
    return { ...originAndPath(url) };
  } catch {
    return "throws";
  }
}

// What a fleet's devices send (an in-process run's loopback base URL) and a service's plain host names.
const plain = [
  "http://127.0.0.1:41234/RestUserAuthLocationService/RestUserAuthLocationService/Certificate/ServiceAddresses",
  "http://127.0.0.1:41234/2b5c3f8e-1d2a-4c5b-9e7f-0a1b2c3d4e5f/oauth2/v2.0/token",
  "http://127.0.0.1:41234/SideCar/SideCarGatewaySessions('0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c')?api-version=1.5",
  "http://127.0.0.1:41234/content/0f9e8d7c/1b0a9f8e.intunewin.bin?d=AbC&e=1900000000&sig=x_Y-z",
  "https://login.microsoftonline.com/common/oauth2/v2.0/token",
  "https://fef.msua06.manage.microsoft.com/TrafficGateway/TrafficRoutingService/SideCar/StatelessSideCarGatewayService",
  "https://localhost:8443/a",
  "http://0.0.0.0:1/",
  "http://255.255.255.255:65535/x",
  "http://1.2.3.example/x",
  "http://a-b.c-d/x",
  // A scheme's default port, which the origin leaves out, and the other scheme's, which it keeps.
  "http://localhost:80/a",
  "https://localhost:443/a",
  "http://localhost:443/a",
  "https://localhost:80/a",
];

// Spellings the parser rewrites or refuses: upper case, odd ports, IPv4 forms it normalises,
// punycode, user info, dot segments, fragments, empty queries, missing paths, other schemes.
const rewritten = [
  "HTTP://127.0.0.1:41234/a",
  "http://LOCALHOST/a",
  "http://localhost:080/a",
  "http://localhost:0/a",
  "http://localhost:65536/a",
  "http://localhost:99999/a",
  "http://localhost:/a",
  "http://127.1/a",
  "http://127.0.0.01/a",
  "http://0x7f.0.0.1/a",
  "http://256.0.0.1/a",
  "http://1.2.3.4.5/a",
  "http://example.123/a",
  "http://example.0x1/a",
  "http://xn--nxasmq6b.com/a",
  "http://xn--a/a",
  "http://a..b/a",
  "http://a./a",
  "http://.a/a",
  "http://user:pass@localhost/a",
  "http://localhost",
  "http://localhost?x=1",
  "http://localhost//a",
  "http://localhost/a/./b",
  "http://localhost/a/%2E%2e/b",
  "http://localhost/a?",
  "http://localhost/a#frag",
  "http://localhost/a\\b",
  "http://localhost/a b",
  "http://localhost/a?x='y'",
  "http://localhost/caf\u00e9",
  "http://caf\u00e9.com/a",
  "http://localhost\\a",
  "ftp://localhost/a",
  "file:///a",
  "not a url",
  "",
];

describe("originAndPath", () => {
  it("splits a fleet's URLs by hand, as the parser splits them", () => {
    for (const url of plain) {
      expect(plainOriginAndPath(url), url).toBeDefined();
      expect(split(url), url).toEqual(parsed(url));
    }
  });

  it("leaves every spelling the parser rewrites or refuses to the parser, with its result", () => {
    for (const url of rewritten) {
      expect(plainOriginAndPath(url), url).toBeUndefined();
      expect(split(url), url).toEqual(parsed(url));
    }
  });

  it("takes a URL that begins like the last plain one for what it is, not for the same origin", () => {
    const last = "http://127.0.0.1:41234";
    for (const url of [
      `${last}/a`,
      `${last}5/a`,
      `${last}.5/a`,
      `${last}/a`,
      `${last}0/a`,
      `${last}:1/a`,
      `${last}/./a`,
    ]) {
      expect(split(url), url).toEqual(parsed(url));
    }
  });

  it("agrees with the parser on random URLs made of the characters that matter", () => {
    const pieces = [
      "http",
      "https",
      "://",
      ":",
      "/",
      ".",
      "..",
      "%2e",
      "?",
      "#",
      "@",
      "\\",
      "'",
      " ",
      "a",
      "Z",
    ];
    pieces.push("0", "1", "255", "256", "80", "443", "xn--", "-", "127.0.0.1", "localhost", "\u00e9", "//");
    let seed = 1;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    let byHand = 0;
    for (let i = 0; i < 20_000; i++) {
      let url = ["http://", "https://", "http://127.0.0.1:8080/", "https://a.b/"][next(4)] as string;
      const length = next(10);
      for (let j = 0; j < length; j++) url += pieces[next(pieces.length)];
      if (plainOriginAndPath(url) !== undefined) byHand++;
      expect(split(url), url).toEqual(parsed(url));
    }
    expect(byHand).toBeGreaterThan(500);
  });
});
