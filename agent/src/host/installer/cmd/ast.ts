// The parsed form of one cmd statement. Strings stay raw (quotes kept) because FOR variables and delayed
// `!VAR!` expansion still run over them at execution time (windows-formats.md §6.1 phases 4 and 5).
import type { Redirection } from "./tokenizer.ts";

export type Command =
  | { readonly type: "empty" }
  | { readonly type: "error"; readonly message: string }
  | {
      readonly type: "simple";
      /** `@` prefix: not echoed even when ECHO is on. */
      readonly quiet: boolean;
      readonly name: string;
      /** Everything after the name up to the next operator, redirections removed, spacing kept. */
      readonly args: string;
      readonly redirects: readonly Redirection[];
    }
  | { readonly type: "block"; readonly body: readonly Command[]; readonly redirects: readonly Redirection[] }
  | {
      readonly type: "if";
      readonly negate: boolean;
      readonly ignoreCase: boolean;
      readonly condition: Condition;
      readonly whenTrue: Command;
      readonly otherwise: Command | undefined;
    }
  | {
      readonly type: "for";
      readonly mode: "files" | "directories" | "recursive" | "range" | "parse";
      /** `/r` root folder or the `/f` option string (quotes kept); "" when absent. */
      readonly option: string;
      /** The single-letter variable, without `%`. */
      readonly variable: string;
      readonly set: string;
      readonly body: Command;
    }
  | {
      readonly type: "chain";
      readonly op: "&" | "&&" | "||" | "|";
      readonly left: Command;
      readonly right: Command;
    };

export type ComparisonOperator = "==" | "EQU" | "NEQ" | "LSS" | "LEQ" | "GTR" | "GEQ";

export type Condition =
  | { readonly kind: "exist"; readonly path: string }
  | { readonly kind: "defined"; readonly name: string }
  | { readonly kind: "errorlevel"; readonly level: string }
  | { readonly kind: "cmdextversion"; readonly level: string }
  | {
      readonly kind: "compare";
      readonly op: ComparisonOperator;
      readonly left: string;
      readonly right: string;
    };

/** Rewrites every raw string of a command (for FOR-variable substitution and delayed expansion). */
export function mapCommandStrings(command: Command, map: (text: string) => string): Command {
  const redirects = (list: readonly Redirection[]): Redirection[] =>
    list.map((r) => (r.mode === "duplicate" ? r : { ...r, target: map(r.target) }));
  switch (command.type) {
    case "empty":
    case "error":
      return command;
    case "simple":
      return {
        ...command,
        name: map(command.name),
        args: map(command.args),
        redirects: redirects(command.redirects),
      };
    case "block":
      return {
        type: "block",
        body: command.body.map((c) => mapCommandStrings(c, map)),
        redirects: redirects(command.redirects),
      };
    case "if":
      return {
        ...command,
        condition: mapCondition(command.condition, map),
        whenTrue: mapCommandStrings(command.whenTrue, map),
        otherwise: command.otherwise === undefined ? undefined : mapCommandStrings(command.otherwise, map),
      };
    case "for":
      return {
        ...command,
        option: map(command.option),
        set: map(command.set),
        body: mapCommandStrings(command.body, map),
      };
    case "chain":
      return {
        ...command,
        left: mapCommandStrings(command.left, map),
        right: mapCommandStrings(command.right, map),
      };
  }
}

function mapCondition(condition: Condition, map: (text: string) => string): Condition {
  switch (condition.kind) {
    case "exist":
      return { kind: "exist", path: map(condition.path) };
    case "defined":
      return { kind: "defined", name: map(condition.name) };
    case "errorlevel":
    case "cmdextversion":
      return { ...condition, level: map(condition.level) };
    case "compare":
      return { ...condition, left: map(condition.left), right: map(condition.right) };
  }
}
