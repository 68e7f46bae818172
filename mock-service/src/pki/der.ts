// The DER writer lives with the reader in contracts (crypto/der.ts), shared with the agent.
export { DER_TAG, der } from "@imesim/contracts/crypto";
