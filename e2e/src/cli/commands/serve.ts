import { readFileSync } from "node:fs";
import { isImesimError } from "@imesim/contracts/errors";
import type { FaultPlan, MockIntuneServer } from "@imesim/mock-service";
import { type Command, InvalidArgumentError } from "commander";
import { addServeTuningFlags, type ServeTuningFlags, serverOptionsFromFlags } from "./serve-flags.ts";

interface ServeOptions extends ServeTuningFlags {
  port: number;
  host: string;
  data: string;
  tenant?: string;
  tls?: boolean;
  publicUrl?: string;
  faults?: string;
  clientId?: string;
  clientSecret?: string;
  checkinInterval?: number;
  tlsHostname: string[];
  adminToken?: string;
  insecureAdmin?: boolean;
  enrollmentsPerMinute?: number;
  maxDevices?: number;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new InvalidArgumentError("must be a port number (0-65535)");
  return number;
}

function wholeOrZero(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError("must be a whole number, 0 or more");
  return number;
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError("must be a positive whole number");
  return number;
}

/** `imesim serve`: runs the mock Intune service until interrupted. */
export function registerServe(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "Run the mock Intune service: Entra tokens, enrollment, the SideCar gateway, content and the Graph admin API",
    )
    .option("-p, --port <port>", "port to listen on", port, 8080)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "-d, --data <dir>",
      "data folder (database, content, keys); kept across restarts",
      ".imesim-service",
    )
    .option("--tenant <id>", "tenant id the tokens carry")
    .option("--tls", "serve HTTPS with a certificate from a CA generated into the data folder")
    .option("--public-url <url>", "base URL clients reach the service at (default: from each request)")
    .option("--faults <file>", 'JSON fault plan to start with ({"rules":[…]})')
    .option("--client-id <id>", "accept only this admin client id (with --client-secret)")
    .option("--client-secret <secret>", "the secret of --client-id")
    .option("--checkin-interval <minutes>", "CheckinIntervalMinutes in gateway replies", positive)
    .option(
      "--tls-hostname <name>",
      "another name for the TLS certificate, e.g. a compose service name (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--admin-token <token>",
      "bearer token the admin plane (/admin/*) requires (default: $IMESIM_ADMIN_TOKEN, else a random one printed at start)",
    )
    .option("--insecure-admin", "leave the admin plane (/admin/*) open to anyone who can reach the service")
    .option(
      "--enrollments-per-minute <n>",
      "enrollments one source address may make a minute, then 429 + Retry-After (0: no limit; default 1200)",
      wholeOrZero,
    )
    .option(
      "--max-devices <n>",
      "devices the tenant may hold, then 429 (0: no limit; default 100000)",
      wholeOrZero,
    );
  addServeTuningFlags(command).action(async (options: ServeOptions) => {
    // One of the two alone would leave the service accepting any client, while the user believes it locked.
    if ((options.clientId === undefined) !== (options.clientSecret === undefined)) {
      console.error("imesim serve: --client-id and --client-secret go together");
      process.exitCode = 2;
      return;
    }
    let faults: FaultPlan | undefined;
    try {
      faults =
        options.faults === undefined
          ? undefined
          : (JSON.parse(readFileSync(options.faults, "utf8")) as FaultPlan);
    } catch (error) {
      console.error(
        `imesim serve: cannot read the fault plan ${options.faults}: ${(error as Error).message}`,
      );
      process.exitCode = 2;
      return;
    }
    const adminToken = options.adminToken ?? process.env.IMESIM_ADMIN_TOKEN;
    if (options.insecureAdmin === true && options.adminToken !== undefined) {
      console.error("imesim serve: --admin-token and --insecure-admin exclude each other");
      process.exitCode = 2;
      return;
    }
    // The service loads when the command runs (see commands/index.ts).
    const { buildServer, caCertificatePath, LISTEN_BACKLOG } = await import("@imesim/mock-service");
    let server: MockIntuneServer;
    try {
      server = await buildServer({
        dataDir: options.data,
        tls: options.tls ?? false,
        ...(options.tlsHostname.length === 0 ? {} : { tlsHostnames: options.tlsHostname }),
        ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
        ...(options.publicUrl === undefined ? {} : { publicBaseUrl: options.publicUrl }),
        ...(faults === undefined ? {} : { faults }),
        ...(options.checkinInterval === undefined ? {} : { checkinIntervalMinutes: options.checkinInterval }),
        ...(options.enrollmentsPerMinute === undefined
          ? {}
          : { enrollmentsPerMinute: options.enrollmentsPerMinute }),
        ...(options.maxDevices === undefined ? {} : { maxDevices: options.maxDevices }),
        ...(options.insecureAdmin === true
          ? { insecureAdmin: true }
          : adminToken === undefined
            ? {}
            : { adminToken }),
        ...(options.clientId !== undefined && options.clientSecret !== undefined
          ? { clientCredentials: [{ clientId: options.clientId, clientSecret: options.clientSecret }] }
          : {}),
        ...serverOptionsFromFlags(options, process.stdout.isTTY === true),
      });
    } catch (error) {
      if (!isImesimError(error)) throw error;
      console.error(`imesim serve: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    // The dashboard's portal over the service's own state (issue 17), on the same port.
    const [{ registerDashboard }, { createServiceSource }] = await Promise.all([
      import("../../dashboard/routes.ts"),
      import("../../dashboard/service-source.ts"),
    ]);
    await registerDashboard(server, createServiceSource(server));
    const address = await server.listen({
      port: options.port,
      host: options.host,
      backlog: LISTEN_BACKLOG,
    });
    const tenant = server.intune.tokens.tenantId;
    console.log(`mock Intune service listening on ${address}`);
    console.log(`  tenant          ${tenant}`);
    const [defaultDomain, ...otherDomains] = server.intune.options.tenantDomains;
    console.log(`  domains         ${[`${defaultDomain} (default)`, ...otherDomains].join(", ")}`);
    console.log(`  token endpoint  ${address}/${tenant}/oauth2/v2.0/token`);
    console.log(`  Graph           ${address}/beta  and  ${address}/v1.0`);
    console.log(`  enrollment      POST ${address}/enrollment/devices`);
    console.log(`  faults          ${address}/admin/faults`);
    const admin = server.intune.options.adminToken;
    if (admin === undefined) console.log("  admin token     none: --insecure-admin leaves /admin/* open");
    else if (adminToken === undefined) console.log(`  admin token     ${admin}  (Authorization: Bearer …)`);
    else console.log("  admin token     as given (--admin-token or IMESIM_ADMIN_TOKEN)");
    console.log(`  OpenAPI         ${address}/openapi.json`);
    console.log(`  dashboard       ${address}/ui/  (portal of every device that checks in)`);
    if (options.tls) {
      const ca = caCertificatePath(options.data);
      console.log(`\nHTTPS certificates come from the CA in ${ca}. To trust it:`);
      console.log(`  Node:    NODE_EXTRA_CA_CERTS=${ca}`);
      console.log(
        `  Debian:  cp ${ca} /usr/local/share/ca-certificates/imesim.crt && update-ca-certificates`,
      );
      console.log(
        `  Windows: Import-Certificate -FilePath ${ca} -CertStoreLocation Cert:\\LocalMachine\\Root`,
      );
    }
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
