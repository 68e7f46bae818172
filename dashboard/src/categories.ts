// Which kind of enforcement step an event phase is, for the timeline's colours and its legend. Read from the
// phase names of the agent's event types (agent/src/events/types.ts); a new phase falls into "other".

export type Category =
  | "checkin"
  | "detection"
  | "applicability"
  | "download"
  | "content"
  | "install"
  | "retry"
  | "grs"
  | "reboot"
  | "report"
  | "state"
  | "other";

const PREFIXES: readonly [string, Category][] = [
  ["install.retryScheduled", "retry"],
  ["checkin.", "checkin"],
  ["apps.", "checkin"],
  ["poller.", "checkin"],
  ["token.", "checkin"],
  ["service.", "checkin"],
  ["detection.", "detection"],
  ["applicability.", "applicability"],
  ["desiredState.", "applicability"],
  ["download.", "download"],
  ["content.", "content"],
  ["install.", "install"],
  ["grs.", "grs"],
  ["reevaluation.", "grs"],
  ["reboot.", "reboot"],
  ["report.", "report"],
  ["toast.", "report"],
  ["state.", "state"],
  ["enforcement.", "state"],
];

/** The category of a phase. */
export function categoryOf(phase: string): Category {
  for (const [prefix, category] of PREFIXES) if (phase.startsWith(prefix)) return category;
  return "other";
}

/** Legend words per category. */
export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  checkin: "Check-in",
  detection: "Detection",
  applicability: "Applicability",
  download: "Download",
  content: "Hash / decrypt / unzip",
  install: "Install",
  retry: "Retry",
  grs: "GRS",
  reboot: "Reboot",
  report: "Report",
  state: "State",
  other: "Other",
};
