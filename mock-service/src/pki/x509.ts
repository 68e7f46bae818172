// @peculiar/x509 needs a Reflect metadata polyfill loaded before it (its README, "Reflect Polyfill
// Required"); every module of the service imports x509 through here so the order always holds.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
