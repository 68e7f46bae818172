// The `/l*v` log msiexec writes (line shapes of a real verbose log; windows-formats.md §5.1 for the flags).
// Written as UTF-16LE with a BOM, as Windows Installer's Unicode build writes its logs (our choice: the
// reference does not say).

/** Collects the lines of one msiexec run; `render` gives the file text. */
export class VerboseLog {
  private readonly lines: string[] = [];
  private readonly startMs: number;
  private readonly callingProcess: string;

  constructor(startMs: number, callingProcess: string) {
    this.startMs = startMs;
    this.callingProcess = callingProcess;
  }

  /** A client-side (`c`) or service-side (`s`) engine line. */
  engine(side: "c" | "s", text: string): void {
    this.lines.push(
      `MSI (${side}) (${side === "c" ? "7C:48" : "A4:2C"}) [${clock(this.startMs, true)}]: ${text}`,
    );
  }

  actionStart(action: string): void {
    this.lines.push(`Action start ${clock(this.startMs, false)}: ${action}.`);
  }

  actionEnd(action: string, returnValue: number): void {
    this.lines.push(`Action ended ${clock(this.startMs, false)}: ${action}. Return value ${returnValue}.`);
  }

  /** The whole log file as bytes: header, lines, footer. */
  render(): Uint8Array {
    const stamp = `${date(this.startMs)}  ${clock(this.startMs, false)}`;
    const text = [
      `=== Verbose logging started: ${stamp}  Build type: SHIP UNICODE 5.00.10011.00  Calling process: ${this.callingProcess} ===`,
      ...this.lines,
      `=== Verbose logging stopped: ${stamp} ===`,
      "",
    ].join("\r\n");
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

function clock(ms: number, withMillis: boolean): string {
  const d = new Date(ms);
  const base = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMillis ? `${base}:${pad(d.getUTCMilliseconds(), 3)}` : base;
}

function date(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}
