// Downloads from PowerShell — `(New-Object System.Net.WebClient).DownloadString/DownloadFile`,
// `Invoke-WebRequest` (iwr, wget, curl), `Invoke-RestMethod`, `Start-BitsTransfer` — answered by the
// device's modelled internet (process/outside-world.ts), never the real network. An offline device fails
// them as Windows PowerShell 5.1 does (a WebException naming the host that could not be resolved); a URL
// the world does not list stops the run as not modelled, naming it and the two ways to decide it.
// `Install-ImesimChocolatey` is the native model of Chocolatey's bootstrap script, which the modelled
// internet serves for its well-known URL.
import { ImesimError } from "@imesim/contracts/errors";
import { unlistedUrlMessage } from "../../process/outside-world.ts";
import { installChocolatey } from "../../process/package-manager-files.ts";
import { type Cmdlet, type CmdletCall, decodeText, type PsProcess } from "./interpreter.ts";
import { errorRecord, TerminatingError } from "./signals.ts";
import { PsObject, type PsValue, toText } from "./values.ts";

/** The reason phrase .NET's WebException gives for common statuses. */
const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Server Unavailable",
};

/** The bytes at `url`, or the WebException message the fetch fails with. */
function fetchBytes(ps: PsProcess, url: string, line: number): Uint8Array | { readonly failure: string } {
  const answer = ps.world?.fetch(url) ?? { kind: "unlisted" as const };
  switch (answer.kind) {
    case "content":
      return answer.content;
    case "offline":
      return { failure: `The remote name could not be resolved: '${answer.host}'` };
    case "status":
      return {
        failure: `The remote server returned an error: (${answer.status}) ${REASONS[answer.status] ?? "Error"}.`,
      };
    case "unlisted":
      throw new ImesimError("PS_NOT_MODELLED", unlistedUrlMessage(url, line));
  }
}

/** `New-Object System.Net.WebClient`: a .NET method failure is a terminating error wrapping the WebException. */
export function webClient(ps: PsProcess, line: number): PsObject {
  const download = (method: string, argCount: number, url: string): Uint8Array => {
    const bytes = fetchBytes(ps, url, line);
    if (!(bytes instanceof Uint8Array)) {
      const record = errorRecord(
        `Exception calling "${method}" with "${argCount}" argument(s): "${bytes.failure}"`,
        "System.Management.Automation.MethodInvocationException",
        line,
      );
      record.get("Exception");
      (record.get("Exception") as PsObject).set(
        "InnerException",
        new PsObject(
          ["System.Net.WebException", "System.Exception"],
          { Message: bytes.failure },
          bytes.failure,
        ),
      );
      record.set("FullyQualifiedErrorId", "WebException");
      throw new TerminatingError(record, line);
    }
    return bytes;
  };
  const headers = new PsObject(["System.Net.WebHeaderCollection"]).method("Add", () => null);
  return new PsObject(["System.Net.WebClient"], {
    Headers: headers,
    Proxy: null,
    UseDefaultCredentials: false,
    Encoding: null,
  })
    .method("DownloadString", (args) =>
      decodeText(download("DownloadString", args.length, toText(args[0] ?? null))),
    )
    .method("DownloadData", (args) =>
      decodeText(download("DownloadData", args.length, toText(args[0] ?? null))),
    )
    .method("DownloadFile", (args) => {
      const bytes = download("DownloadFile", args.length, toText(args[0] ?? null));
      ps.host.fs.writeFile(ps.devicePath(toText(args[1] ?? null)), bytes);
      return null;
    });
}

/** The terminating error Invoke-WebRequest / Invoke-RestMethod raise (ThrowTerminatingError in 5.1). */
function webCmdletError(call: CmdletCall, failure: string, command: string): TerminatingError {
  const record = errorRecord(failure, "System.Net.WebException", call.line);
  record.set(
    "FullyQualifiedErrorId",
    `WebCmdletWebResponseException,Microsoft.PowerShell.Commands.${command}`,
  );
  return new TerminatingError(record, call.line);
}

function webRequest(command: "InvokeWebRequestCommand" | "InvokeRestMethodCommand"): Cmdlet {
  return {
    params: [
      "Uri",
      "OutFile",
      "Method",
      "Headers",
      "TimeoutSec",
      "UserAgent",
      "Body",
      "ContentType",
      "Proxy",
    ],
    switches: ["UseBasicParsing", "PassThru", "UseDefaultCredentials", "DisableKeepAlive"],
    positional: ["Uri"],
    run(call) {
      const url = toText(call.named.get("uri") ?? null);
      const bytes = fetchBytes(call.ps, url, call.line);
      if (!(bytes instanceof Uint8Array)) throw webCmdletError(call, bytes.failure, command);
      const outFile = call.named.get("outfile");
      if (outFile !== undefined && outFile !== null) {
        call.ps.host.fs.writeFile(call.ps.devicePath(toText(outFile)), bytes);
        if (call.named.get("passthru") !== true) return [];
      }
      const text = decodeText(bytes);
      if (command === "InvokeRestMethodCommand") return [text];
      return [
        new PsObject(
          ["Microsoft.PowerShell.Commands.BasicHtmlWebResponseObject"],
          { StatusCode: 200, StatusDescription: "OK", Content: text, RawContentLength: bytes.length },
          text,
        ),
      ];
    },
  };
}

const startBitsTransfer: Cmdlet = {
  params: ["Source", "Destination", "DisplayName", "Description", "Priority"],
  switches: ["Asynchronous"],
  positional: ["Source", "Destination"],
  run(call) {
    const url = toText(call.named.get("source") ?? null);
    const bytes = fetchBytes(call.ps, url, call.line);
    if (!(bytes instanceof Uint8Array)) {
      throw new TerminatingError(errorRecord(bytes.failure, "System.Exception", call.line), call.line);
    }
    const target = call.ps.fullPath(toText(call.named.get("destination") ?? call.ps.cwd));
    const isFolder = call.ps.stat(target)?.kind === "directory";
    const name =
      url
        .replace(/[?#].*$/, "")
        .split("/")
        .pop() ?? "download";
    call.ps.host.fs.writeFile(call.ps.devicePath(isFolder ? `${target}\\${name}` : target), bytes);
    return [];
  },
};

/** Chocolatey's bootstrap, as the modelled internet serves it for community.chocolatey.org/install.ps1. */
const installImesimChocolatey: Cmdlet = {
  run(call) {
    const ps = call.ps;
    const shims = installChocolatey(ps.host, ps.environment.get("ProgramData") ?? "C:\\ProgramData");
    const root = shims.replace(/\\bin$/, "");
    // The real script sets these for the running session too, so `choco` works in the same script.
    ps.environment.set("ChocolateyInstall", root);
    const path = ps.environment.get("Path") ?? "";
    if (!path.toLowerCase().includes(shims.toLowerCase())) ps.environment.set("Path", `${path};${shims}`);
    ps.writeHost("Getting latest version of the Chocolatey package for download.");
    ps.writeHost(`Installing Chocolatey on the local machine`);
    ps.writeHost("Chocolatey (choco.exe) is now ready.");
    return [] as PsValue[];
  },
};

/** The web cmdlets by lower-case name. */
export const WEB_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["invoke-webrequest", webRequest("InvokeWebRequestCommand")],
  ["invoke-restmethod", webRequest("InvokeRestMethodCommand")],
  ["start-bitstransfer", startBitsTransfer],
  ["install-imesimchocolatey", installImesimChocolatey],
];
