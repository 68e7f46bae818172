import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStatement, tokenize } from "../../src/host/installer/cmd/index.ts";

describe("cmd tokenizer", () => {
  it("splits words, operators, parentheses and redirections, honouring quotes and carets", () => {
    expect(tokenize('echo "a & b" ^& c 2>nul >>"x y.txt" && (dir) || x|y')).toEqual([
      { kind: "word", text: "echo", space: "" },
      { kind: "word", text: '"a & b"', space: " " },
      { kind: "word", text: "&", space: " " },
      { kind: "word", text: "c", space: " " },
      { kind: "redirect", redirect: { fd: 2, mode: "write", target: "nul" }, space: " " },
      { kind: "redirect", redirect: { fd: 1, mode: "append", target: '"x y.txt"' }, space: " " },
      { kind: "operator", op: "&&", space: " " },
      { kind: "open", space: " " },
      { kind: "word", text: "dir", space: "" },
      { kind: "close", space: "" },
      { kind: "operator", op: "||", space: " " },
      { kind: "word", text: "x", space: " " },
      { kind: "operator", op: "|", space: "" },
      { kind: "word", text: "y", space: "" },
    ]);
  });

  it("reads 2>&1 as a handle duplication and a lone > as a syntax error", () => {
    expect(tokenize("x 2>&1")[1]).toEqual({
      kind: "redirect",
      redirect: { fd: 2, mode: "duplicate", targetFd: 1 },
      space: " ",
    });
    expect(tokenize("echo >")[1]).toMatchObject({
      kind: "error",
      message: "The syntax of the command is incorrect.",
    });
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ab %!^&|<>()"\n\t=:;,12@/\\'.split("")), maxLength: 80 }),
        (text) => {
          tokenize(text);
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void tokenize(text)));
  });
});

describe("cmd parser", () => {
  it("binds | tighter than && and ||, and those tighter than &", () => {
    const parsed = parseStatement("a & b && c | d");
    expect(parsed).toMatchObject({
      complete: true,
      commands: [
        {
          type: "chain",
          op: "&",
          left: { type: "simple", name: "a" },
          right: { type: "chain", op: "&&", right: { type: "chain", op: "|" } },
        },
      ],
    });
  });

  it("keeps else with the ) of the true branch and gives IF the rest of its line", () => {
    expect(parseStatement('if /i "%x%"=="Y" (echo yes) else echo no & echo more')).toMatchObject({
      commands: [
        {
          type: "if",
          ignoreCase: true,
          condition: { kind: "compare", op: "==", left: '"%x%"', right: '"Y"' },
          whenTrue: { type: "block" },
          otherwise: { type: "chain", op: "&" },
        },
      ],
    });
    expect(parseStatement("if exist a echo x & echo y")).toMatchObject({
      commands: [{ type: "if", whenTrue: { type: "chain", op: "&" }, otherwise: undefined }],
    });
  });

  it("reports an open block as incomplete and a stray operator as a syntax error", () => {
    expect(parseStatement("if 1==1 (")).toEqual({ complete: false });
    expect(parseStatement("(echo a\necho b\n) > log.txt")).toMatchObject({
      complete: true,
      commands: [
        { type: "block", body: [{ name: "echo" }, { name: "echo" }], redirects: [{ target: "log.txt" }] },
      ],
    });
    expect(parseStatement("&& echo")).toEqual({
      complete: true,
      commands: [{ type: "error", message: "&& was unexpected at this time." }],
    });
  });

  it("parses FOR with its options, variable, set and body", () => {
    expect(parseStatement("for /f \"tokens=1,2 delims=,\" %a in ('type x') do echo %a")).toMatchObject({
      commands: [
        { type: "for", mode: "parse", option: '"tokens=1,2 delims=,"', variable: "a", set: "'type x'" },
      ],
    });
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            " ",
            ...'if for else do in exist not %a ( ) & | < > " ^ ! == 1 2\n @ rem :'.split(" "),
          ),
          maxLength: 40,
        }),
        (text) => {
          parseStatement(text);
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void parseStatement(text)));
  });
});
