/**
 * How many accepted-but-not-yet-taken connections the kernel keeps for the service (listen(2)'s backlog; Linux
 * caps it at net.core.somaxconn). Node's default, 511, is less than 500 devices opening connections at once
 * beside the ones already checking in: the overflow's handshakes are dropped and retried after 1, 3, 7, 15 and
 * 31 s, which is how a first GetContentInfo on a new connection could wait 30 s while the service was not busy.
 */
export const LISTEN_BACKLOG = 4096;
