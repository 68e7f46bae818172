// The Task Scheduler's COM API (`New-Object -ComObject Schedule.Service`), as install scripts use it to
// register a task: Connect, GetFolder, NewTask with its RegistrationInfo/Principal/Settings/Actions/Triggers,
// RegisterTaskDefinition, GetTask, DeleteTask. A registered task is written where the service keeps it,
// System32\Tasks\<name> (the same store schtasks.exe uses); tasks are not run (our choice).
import type { PsProcess } from "./interpreter.ts";
import { errorRecord, TerminatingError } from "./signals.ts";
import { PsObject, type PsValue, toText } from "./values.ts";

const ACTION_TYPES: Readonly<Record<number, string>> = {
  0: "Exec",
  5: "ComHandler",
  6: "SendEmail",
  7: "ShowMessage",
};
const TRIGGER_TYPES: Readonly<Record<number, string>> = {
  0: "EventTrigger",
  1: "TimeTrigger",
  2: "CalendarTrigger",
  8: "BootTrigger",
  9: "LogonTrigger",
  11: "SessionStateChangeTrigger",
};

function comError(message: string, hresult: string, line: number): TerminatingError {
  return new TerminatingError(
    errorRecord(
      `${message} (Exception from HRESULT: ${hresult})`,
      "System.Runtime.InteropServices.COMException",
      line,
    ),
    line,
  );
}

/** A collection with `Create(type)` (Actions, Triggers). */
function collection(kind: "action" | "trigger", items: PsObject[]): PsObject {
  const object = new PsObject([`System.__ComObject#${kind}s`], { Count: 0 });
  object.method("Create", (args) => {
    const type = Number(args[0] ?? 0);
    const item = new PsObject([`System.__ComObject#${kind}`], { Type: type, Enabled: true, Id: null });
    if (kind === "trigger")
      item.set(
        "Repetition",
        new PsObject(["System.__ComObject#repetition"], {
          Interval: null,
          Duration: null,
          StopAtDurationEnd: false,
        }),
      );
    items.push(item);
    object.set("Count", items.length);
    return item;
  });
  return object;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function element(name: string, value: PsValue | undefined): string {
  return value === undefined || value === null ? "" : `<${name}>${escapeXml(toText(value))}</${name}>`;
}

/** The task's XML, as the service stores it (the elements scripts set; the rest left to defaults). */
function taskXml(
  definition: PsObject,
  actions: readonly PsObject[],
  triggers: readonly PsObject[],
  user: string,
): string {
  const info = definition.get("RegistrationInfo") as PsObject;
  const settings = definition.get("Settings") as PsObject;
  const triggerXml = triggers
    .map((t) => {
      const tag = TRIGGER_TYPES[Number(t.get("Type"))] ?? "Trigger";
      const repetition = t.get("Repetition") as PsObject | undefined;
      const interval = repetition?.get("Interval");
      return `<${tag}>${element("Enabled", t.get("Enabled"))}${element("StartBoundary", t.get("StartBoundary"))}${element("Subscription", t.get("Subscription"))}${interval === null || interval === undefined ? "" : `<Repetition>${element("Interval", interval)}${element("Duration", repetition?.get("Duration"))}</Repetition>`}</${tag}>`;
    })
    .join("");
  const actionXml = actions
    .map(
      (a) =>
        `<${ACTION_TYPES[Number(a.get("Type"))] ?? "Exec"}>${element("Command", a.get("Path"))}${element("Arguments", a.get("Arguments"))}${element("WorkingDirectory", a.get("WorkingDirectory"))}</${ACTION_TYPES[Number(a.get("Type"))] ?? "Exec"}>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><RegistrationInfo>${element("Description", info.get("Description"))}${element("Author", info.get("Author"))}</RegistrationInfo><Triggers>${triggerXml}</Triggers><Principals><Principal id="Author"><UserId>${escapeXml(user)}</UserId></Principal></Principals><Settings>${element("Enabled", settings.get("Enabled"))}${element("ExecutionTimeLimit", settings.get("ExecutionTimeLimit"))}</Settings><Actions Context="Author">${actionXml}</Actions></Task>\r\n`;
}

/** `New-Object -ComObject Schedule.Service`. */
export function scheduleService(ps: PsProcess, line: number): PsObject {
  const windows = ps.windowsFolder();
  const fileOf = (folder: string, name: string) =>
    `${windows}\\System32\\Tasks${folder === "\\" ? "" : folder}\\${name.replace(/^\\+/, "")}`;
  const exists = (path: string) => ps.host.fs.stat(path)?.kind === "file";
  const registeredTask = (folder: string, name: string) =>
    new PsObject(["System.__ComObject#IRegisteredTask"], {
      Name: name,
      Path: `${folder === "\\" ? "" : folder}\\${name}`,
      Enabled: true,
      State: 3,
    }).method("Run", () => new PsObject(["System.__ComObject#IRunningTask"], { Name: name }));
  const folderObject = (folder: string): PsObject =>
    new PsObject(["System.__ComObject#ITaskFolder"], { Name: folder, Path: folder })
      .method("DeleteTask", (args) => {
        const path = fileOf(folder, toText(args[0] ?? null));
        if (!exists(path)) throw comError("The system cannot find the file specified.", "0x80070002", line);
        ps.host.fs.remove(path);
        return null;
      })
      .method("GetTask", (args) => {
        const name = toText(args[0] ?? null);
        if (!exists(fileOf(folder, name)))
          throw comError("The system cannot find the file specified.", "0x80070002", line);
        return registeredTask(folder, name);
      })
      .method("RegisterTaskDefinition", (args) => {
        const name = toText(args[0] ?? null);
        const definition = args[1];
        if (!(definition instanceof PsObject) || definition.get("__actions") === undefined)
          throw comError("The parameter is incorrect.", "0x80070057", line);
        const flags = Number(args[2] ?? 0);
        const path = fileOf(folder, name);
        // TASK_CREATE (2) alone fails on an existing task; TASK_CREATE_OR_UPDATE (6) replaces it.
        if (exists(path) && (flags & 4) === 0)
          throw comError("Cannot create a file when that file already exists.", "0x800700B7", line);
        const state = definition.get("__actions") as unknown as PsObject;
        const xml = taskXml(
          definition,
          state.get("items") as unknown as PsObject[],
          (definition.get("__triggers") as unknown as PsObject).get("items") as unknown as PsObject[],
          toText(args[3] ?? "SYSTEM"),
        );
        ps.host.fs.writeFile(path, xml);
        return registeredTask(folder, name);
      });
  let connected = false;
  return new PsObject(["System.__ComObject#ITaskService"], { Connected: false })
    .method("Connect", () => {
      connected = true;
      return null;
    })
    .method("GetFolder", (args) => {
      if (!connected) throw comError("The Task Scheduler service is not connected.", "0x80041330", line);
      return folderObject(toText(args[0] ?? "\\").replace(/\\+$/, "") || "\\");
    })
    .method("NewTask", () => {
      const actions: PsObject[] = [];
      const triggers: PsObject[] = [];
      const definition = new PsObject(["System.__ComObject#ITaskDefinition"], {
        RegistrationInfo: new PsObject(["System.__ComObject#IRegistrationInfo"], {
          Description: null,
          Author: null,
        }),
        Principal: new PsObject(["System.__ComObject#IPrincipal"], {
          UserId: null,
          LogonType: null,
          RunLevel: null,
        }),
        Settings: new PsObject(["System.__ComObject#ITaskSettings"], { Enabled: true }),
        Actions: collection("action", actions),
        Triggers: collection("trigger", triggers),
      });
      // Kept on the definition for RegisterTaskDefinition; scripts never read these names.
      definition.set("__actions", new PsObject(["imesim"], { items: actions as unknown as PsValue }));
      definition.set("__triggers", new PsObject(["imesim"], { items: triggers as unknown as PsValue }));
      return definition;
    });
}
