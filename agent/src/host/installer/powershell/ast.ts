// The syntax tree of the PowerShell the parser reads. Every node carries the 1-based line it starts on,
// so an error or an unmodelled construct can be named where it is.

export interface ScriptBlockAst {
  readonly params: readonly ParamAst[];
  /** The statements; for a block with named blocks, empty (see `named`). */
  readonly body: readonly Statement[];
  /** `begin {…} process {…} end {…}`, when the block is written with them. */
  readonly named?: NamedBlocks;
  readonly text: string;
  readonly line: number;
}

export interface ParamAst {
  readonly name: string;
  readonly type: string | undefined;
  readonly defaultValue: Expr | undefined;
  readonly mandatory: boolean;
  /** `[Parameter(ValueFromPipeline)]` (the input object) or `ValueFromPipelineByPropertyName` (its property). */
  readonly pipeline?: "value" | "property";
  readonly line: number;
}

/** A function's or script's named blocks: begin runs once, process once per input object, end once. */
export interface NamedBlocks {
  readonly begin?: readonly Statement[];
  readonly process?: readonly Statement[];
  readonly end?: readonly Statement[];
}

export type Statement =
  | { readonly k: "pipeline"; readonly elements: readonly PipeElement[]; readonly line: number }
  | {
      readonly k: "assign";
      readonly target: Expr;
      readonly op: string;
      readonly value: Statement;
      readonly line: number;
    }
  | {
      readonly k: "if";
      readonly clauses: ReadonlyArray<{ readonly condition: Statement; readonly body: readonly Statement[] }>;
      readonly otherwise: readonly Statement[] | undefined;
      readonly line: number;
    }
  | {
      readonly k: "foreach";
      readonly variable: string;
      readonly source: Statement;
      readonly body: readonly Statement[];
      readonly line: number;
    }
  | {
      readonly k: "for";
      readonly init: Statement | undefined;
      readonly condition: Statement | undefined;
      readonly step: Statement | undefined;
      readonly body: readonly Statement[];
      readonly line: number;
    }
  | {
      readonly k: "while";
      readonly condition: Statement;
      readonly body: readonly Statement[];
      /** `do {} while/until`: the body runs first; `until` loops while the condition is false. */
      readonly doLoop: "while" | "until" | undefined;
      readonly line: number;
    }
  | {
      readonly k: "switch";
      readonly flags: ReadonlySet<string>;
      readonly subject: Statement;
      readonly clauses: ReadonlyArray<{
        readonly pattern: Expr | "default";
        readonly body: readonly Statement[];
      }>;
      readonly line: number;
    }
  | {
      readonly k: "try";
      readonly body: readonly Statement[];
      readonly catches: ReadonlyArray<{
        readonly types: readonly string[];
        readonly body: readonly Statement[];
      }>;
      readonly finally: readonly Statement[] | undefined;
      readonly line: number;
    }
  | { readonly k: "function"; readonly name: string; readonly block: ScriptBlockAst; readonly line: number }
  | {
      readonly k: "flow";
      readonly kind: "return" | "exit" | "throw" | "break" | "continue";
      readonly value: Statement | undefined;
      readonly line: number;
    };

export interface Redirection {
  /** 1 stdout, 2 stderr, 0 for every stream (`*>`). */
  readonly stream: number;
  /** A file, or `&1` when merged into stdout. */
  readonly target: Expr | "&1";
  readonly append: boolean;
}

export type CommandArg =
  | { readonly k: "param"; readonly name: string; readonly value: Expr | undefined; readonly text: string }
  | { readonly k: "value"; readonly value: Expr; readonly text: string }
  | { readonly k: "splat"; readonly variable: string; readonly text: string };

export type PipeElement =
  | {
      readonly k: "command";
      /** A bare name (`Get-Item`, `msiexec.exe`, `.\setup.exe`) or, after `&`/`.`, an expression. */
      readonly name: string | Expr;
      readonly invocation: "&" | "." | undefined;
      readonly args: readonly CommandArg[];
      readonly redirections: readonly Redirection[];
      readonly line: number;
    }
  | {
      readonly k: "expr";
      readonly expr: Expr;
      readonly redirections: readonly Redirection[];
      readonly line: number;
    };

/** A part of an expandable string: literal text or an expression to convert to text. */
export type StringPart = string | Expr;

export type Expr =
  | { readonly k: "number"; readonly value: number; readonly line: number }
  | { readonly k: "string"; readonly value: string; readonly line: number }
  | { readonly k: "expandable"; readonly parts: readonly StringPart[]; readonly line: number }
  | { readonly k: "variable"; readonly name: string; readonly line: number }
  | { readonly k: "array"; readonly items: readonly Expr[]; readonly line: number }
  | { readonly k: "subexpression"; readonly body: readonly Statement[]; readonly line: number }
  | { readonly k: "arrayexpression"; readonly body: readonly Statement[]; readonly line: number }
  | { readonly k: "paren"; readonly statement: Statement; readonly line: number }
  | {
      readonly k: "hashtable";
      readonly entries: ReadonlyArray<{ readonly key: Expr; readonly value: Statement }>;
      readonly line: number;
    }
  | { readonly k: "scriptblock"; readonly block: ScriptBlockAst; readonly line: number }
  | {
      readonly k: "binary";
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
      readonly line: number;
    }
  | { readonly k: "unary"; readonly op: string; readonly operand: Expr; readonly line: number }
  | { readonly k: "cast"; readonly type: string; readonly operand: Expr; readonly line: number }
  | { readonly k: "type"; readonly name: string; readonly line: number }
  | {
      readonly k: "member";
      readonly target: Expr;
      readonly name: string | Expr;
      readonly isStatic: boolean;
      readonly line: number;
    }
  | {
      readonly k: "invoke";
      readonly target: Expr;
      readonly name: string;
      readonly args: readonly Expr[];
      readonly isStatic: boolean;
      readonly line: number;
    }
  | { readonly k: "index"; readonly target: Expr; readonly index: Expr; readonly line: number }
  | {
      readonly k: "increment";
      readonly target: Expr;
      readonly delta: 1 | -1;
      readonly prefix: boolean;
      readonly line: number;
    };
