// timeout.exe and ping.exe, the two ways install scripts wait: timeout fails without a console, ping to
// the loopback address takes N−1 seconds of simulated time.
import type { ProgramInvocation, ProgramResult } from "../process/program.ts";

/** `timeout` without a console fails at once instead of waiting (windows-formats.md §6.11; exit code 1 is our choice). */
export function runTimeout(invocation: ProgramInvocation): ProgramResult {
  if (!invocation.argv.some((a) => /^[/-]t$/i.test(a)) && !/^\d+$/.test(invocation.argv[0] ?? "")) {
    return {
      exitCode: 1,
      stderr:
        "ERROR: Invalid syntax. Default option is not allowed more than '1' time(s).\r\nType \"TIMEOUT /?\" for usage.\r\n",
    };
  }
  return {
    exitCode: 1,
    stderr: "ERROR: Input redirection is not supported, exiting the process immediately.\r\n",
  };
}

/** `ping -n N 127.0.0.1`, the classic sleep: N−1 seconds of simulated time. The device has no other network. */
export function runPing(invocation: ProgramInvocation): ProgramResult {
  const args = invocation.argv;
  const countIndex = args.findIndex((a) => /^[-/]n$/i.test(a));
  const count = countIndex >= 0 ? Number.parseInt(args[countIndex + 1] ?? "4", 10) || 4 : 4;
  const target = args
    .filter(
      (a, i) => !a.startsWith("-") && !a.startsWith("/") && (i === 0 || !/^[-/][nlwi]$/i.test(args[i - 1]!)),
    )
    .at(-1);
  if (target === undefined) return { exitCode: 1, stdout: "IP address must be specified.\r\n" };
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/i.test(target)) {
    return {
      exitCode: 1,
      stdout: `Ping request could not find host ${target}. Please check the name and try again.\r\n`,
    };
  }
  const address = target.toLowerCase() === "localhost" || target === "::1" ? "::1" : target;
  let out = `\r\nPinging ${target} with 32 bytes of data:\r\n`;
  for (let i = 0; i < count; i += 1) out += `Reply from ${address}: bytes=32 time<1ms TTL=128\r\n`;
  out += `\r\nPing statistics for ${address}:\r\n    Packets: Sent = ${count}, Received = ${count}, Lost = 0 (0% loss),\r\n`;
  return { exitCode: 0, stdout: out, durationMs: Math.max(0, count - 1) * 1000 };
}
