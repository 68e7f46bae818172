// Who may use the control surface (docs/agent-control.md): a random token per start, compared in constant
// time, and loopback addresses unless the operator explicitly allows others.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { ImesimError } from "@imesim/contracts/errors";

/** 256 random bits, URL-safe: printed once, saved 0600, sent as `Authorization: Bearer …`. */
export const newControlToken = (): string => randomBytes(32).toString("base64url");

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * True when the header carries exactly `Bearer <expected>`. Both sides are hashed first, so the comparison
 * takes the same time whatever the presented token's length or first wrong character.
 */
export function tokenMatches(authorization: string | undefined, expected: string): boolean {
  // The scheme name is case-insensitive (RFC 9110 §11.1); the token is not.
  const presented = /^Bearer +(\S+)$/i.exec(authorization ?? "")?.[1];
  return timingSafeEqual(digest(presented ?? ""), digest(expected)) && presented !== undefined;
}

/** 127.0.0.0/8, ::1 and `localhost`: the addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1" || bare === "::ffff:127.0.0.1";
}

/** Refuses a non-loopback bind address unless `allowRemote` says the operator meant it. */
export function checkBindAddress(host: string, allowRemote: boolean): void {
  if (!allowRemote && !isLoopbackHost(host))
    throw new ImesimError(
      "CTL_NOT_LOOPBACK",
      `the control surface listens on loopback only; "${host}" is not (pass --ctl-allow-remote to bind it anyway)`,
    );
}

/**
 * The request's Host header must name a loopback host too (without the port): a web page whose name resolves to
 * 127.0.0.1 (DNS rebinding) cannot then reach the surface through the browser, token or not.
 */
export function hostHeaderAllowed(hostHeader: string | undefined, allowRemote: boolean): boolean {
  if (allowRemote) return true;
  if (hostHeader === undefined) return false;
  const host = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0]!;
  return isLoopbackHost(host);
}
