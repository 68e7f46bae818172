// How control leaves a statement in PowerShell: break/continue/return/exit, and terminating errors
// (`throw`, `-ErrorAction Stop`, runtime failures) that `try/catch` sees as ErrorRecords.
import { PsObject, type PsValue, toText } from "./values.ts";

/** `break`, `continue`, `return` and `exit` unwinding to the loop, function or script that handles them. */
export class FlowSignal {
  readonly kind: "break" | "continue" | "return" | "exit";
  readonly value: PsValue;

  constructor(kind: FlowSignal["kind"], value: PsValue = null) {
    this.kind = kind;
    this.value = value;
  }
}

/** An ErrorRecord as `$_` shows it in a catch block and `$Error[0]` keeps it. */
export function errorRecord(
  message: string,
  exceptionType: string,
  line: number,
  target: PsValue = null,
): PsObject {
  const exception = new PsObject([exceptionType, "System.Exception"], { Message: message }, message);
  return new PsObject(
    ["System.Management.Automation.ErrorRecord"],
    {
      Exception: exception,
      TargetObject: target,
      FullyQualifiedErrorId: exceptionType.split(".").pop() ?? "Error",
      CategoryInfo: new PsObject(
        ["System.Management.Automation.ErrorCategoryInfo"],
        { Reason: exceptionType.split(".").pop() ?? "" },
        "NotSpecified",
      ),
      InvocationInfo: new PsObject(["System.Management.Automation.InvocationInfo"], {
        ScriptLineNumber: line,
      }),
      ScriptStackTrace: `at <ScriptBlock>, line ${line}`,
    },
    message,
  );
}

/** A terminating error travelling up to the nearest `catch` (or ending the script with exit code 1). */
export class TerminatingError {
  readonly record: PsObject;
  readonly line: number;

  constructor(record: PsObject, line: number) {
    this.record = record;
    this.line = line;
  }

  get message(): string {
    return toText(this.record);
  }

  /** The exception's .NET type names, most derived first, for typed catch clauses. */
  get exceptionTypes(): readonly string[] {
    const exception = this.record.get("Exception");
    return exception instanceof PsObject ? exception.typeNames : ["System.Exception"];
  }
}
