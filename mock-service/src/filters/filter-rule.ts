import { ImesimError } from "@imesim/contracts/errors";

/**
 * Assignment filter rules for Windows as the service accepts them (ime.md §11b, S12 "Assignment filter
 * rules": 114 rules put to validateFilter on real Intune). The grammar: clauses `device.<property>
 * <operator> <value>` joined by `and` / `or` (`and` binds tighter), with optional parentheses; operators
 * and connectors with or without a leading dash, in any case.
 */

/** The Windows filter properties and the operators each one takes (S12 "Property and operator pairs"). */
const stringOperators = ["eq", "ne", "startswith", "contains", "notcontains", "in", "notin"] as const;
const enumOperators = ["eq", "ne", "in", "notin"] as const;
const versionOperators = ["eq", "ne", "gt", "ge", "lt", "le"] as const;

/** Canonical property names by their lower-case spelling, with their operators and value kind. */
const properties: Readonly<
  Record<string, { name: FilterProperty; operators: readonly string[]; kind: ValueKind }>
> = {
  devicename: { name: "deviceName", operators: stringOperators, kind: "string" },
  manufacturer: { name: "manufacturer", operators: stringOperators, kind: "string" },
  model: { name: "model", operators: stringOperators, kind: "string" },
  devicecategory: { name: "deviceCategory", operators: stringOperators, kind: "string" },
  osversion: { name: "osVersion", operators: stringOperators, kind: "string" },
  enrollmentprofilename: { name: "enrollmentProfileName", operators: stringOperators, kind: "string" },
  operatingsystemsku: { name: "operatingSystemSKU", operators: enumOperators, kind: "string" },
  cpuarchitecture: { name: "cpuArchitecture", operators: enumOperators, kind: "string" },
  devicetrusttype: { name: "deviceTrustType", operators: enumOperators, kind: "string" },
  deviceownership: { name: "deviceOwnership", operators: ["eq", "ne"], kind: "string" },
  istpmattested: { name: "isTpmAttested", operators: ["eq", "ne"], kind: "string" },
  operatingsystemversion: { name: "operatingSystemVersion", operators: versionOperators, kind: "version" },
};

// Properties real validateFilter refuses on windows10AndLater although other platforms or the evaluator have them.
const refusedOnWindows = new Set(["isrooted", "devicemanagementtype", "deviceid", "userprincipalname"]);

type ValueKind = "string" | "version";

/** A device property a Windows filter rule may test. */
export type FilterProperty =
  | "deviceName"
  | "manufacturer"
  | "model"
  | "deviceCategory"
  | "osVersion"
  | "enrollmentProfileName"
  | "operatingSystemSKU"
  | "cpuArchitecture"
  | "deviceTrustType"
  | "deviceOwnership"
  | "isTpmAttested"
  | "operatingSystemVersion";

/** An operator, lower case, without its dash. */
export type FilterOperator = (typeof stringOperators)[number] | (typeof versionOperators)[number];

/** A parsed rule. Values are `null` for `$null`, a list for `in`/`notIn`, otherwise one string. */
export type FilterExpression =
  | { readonly kind: "or" | "and"; readonly parts: readonly FilterExpression[] }
  | {
      readonly kind: "clause";
      readonly property: FilterProperty;
      readonly operator: FilterOperator;
      readonly value: string | null | readonly string[];
    };

type Token =
  | { readonly type: "open" | "close" | "comma" | "listOpen" | "listClose"; readonly at: number }
  | { readonly type: "word"; readonly text: string; readonly at: number; readonly spaceBefore: boolean }
  | { readonly type: "string"; readonly text: string; readonly at: number; readonly spaceBefore: boolean };

function invalid(why: string): ImesimError {
  return new ImesimError("ASSIGNMENT_FILTER_RULE_INVALID", `The filter rule is not valid: ${why}.`, {
    path: "rule",
  });
}

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let spaceBefore = true;
  const punctuation: Record<string, "open" | "close" | "comma" | "listOpen" | "listClose"> = {
    "(": "open",
    ")": "close",
    ",": "comma",
    "[": "listOpen",
    "]": "listClose",
  };
  while (index < rule.length) {
    const char = rule[index] as string;
    if (/\s/.test(char)) {
      index += 1;
      spaceBefore = true;
      continue;
    }
    const mark = punctuation[char];
    if (mark !== undefined) {
      tokens.push({ type: mark, at: index });
      index += 1;
      // Brackets and commas separate tokens as whitespace does.
      spaceBefore = true;
      continue;
    }
    if (char === '"') {
      const end = rule.indexOf('"', index + 1);
      if (end === -1) throw invalid(`the string starting at position ${index + 1} is never closed`);
      // There is no escape: a quote straight after a closing quote ("" or \") is refused (S12 V44, V45).
      if (rule[end + 1] === '"' || rule[end - 1] === "\\")
        throw invalid(`a string cannot contain a double quote (position ${end + 1})`);
      tokens.push({ type: "string", text: rule.slice(index + 1, end), at: index, spaceBefore });
      index = end + 1;
      spaceBefore = false;
      continue;
    }
    if (char === "'") throw invalid(`values take double quotes, not single quotes (position ${index + 1})`);
    if (char === "#" || (char === "/" && rule[index + 1] === "/"))
      throw invalid(`comments are not allowed (position ${index + 1})`);
    const match = /^[^\s()[\],"']+/.exec(rule.slice(index)) as RegExpExecArray;
    tokens.push({ type: "word", text: match[0], at: index, spaceBefore });
    index += match[0].length;
    spaceBefore = false;
  }
  return tokens;
}

const connectorOf = (token: Token | undefined): "and" | "or" | undefined => {
  if (token?.type !== "word") return undefined;
  const word = token.text.toLowerCase().replace(/^-/, "");
  return word === "and" || word === "or" ? word : undefined;
};

/** Parses a Windows filter rule, or throws ASSIGNMENT_FILTER_RULE_INVALID saying what is wrong and where. */
export function parseFilterRule(rule: string): FilterExpression {
  if (rule.trim() === "") throw invalid("the rule is empty");
  const tokens = tokenize(rule);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const where = (token: Token | undefined): string =>
    token === undefined ? "at the end of the rule" : `at position ${token.at + 1}`;
  const needSpace = (token: Token): void => {
    if ((token.type === "word" || token.type === "string") && !token.spaceBefore)
      throw invalid(`tokens must be separated by whitespace (${where(token)})`);
  };

  // One level of the precedence ladder: operands joined by one connector (`or` over `and` over primaries).
  const joined = (connector: "and" | "or", operand: () => FilterExpression): FilterExpression => {
    const parts = [operand()];
    while (connectorOf(peek()) === connector) {
      needSpace(peek() as Token);
      position += 1;
      parts.push(operand());
    }
    return parts.length === 1 ? (parts[0] as FilterExpression) : { kind: connector, parts };
  };
  const orExpression = (): FilterExpression => joined("or", () => joined("and", primary));
  const primary = (): FilterExpression => {
    const token = peek();
    if (token?.type === "open") {
      position += 1;
      if (peek()?.type === "close") throw invalid(`empty parentheses ${where(token)}`);
      const inner = orExpression();
      if (peek()?.type !== "close") throw invalid(`a '(' ${where(token)} is never closed`);
      position += 1;
      return inner;
    }
    return clause();
  };
  const clause = (): FilterExpression => {
    const subject = peek();
    if (subject?.type !== "word")
      throw invalid(`expected a clause such as device.deviceName -eq "x" ${where(subject)}`);
    const match = /^device\.(\w+)$/i.exec(subject.text);
    if (match === null) {
      throw invalid(
        `'${subject.text}' is not a device property (Windows filters test device.<property>) ${where(subject)}`,
      );
    }
    const key = (match[1] as string).toLowerCase();
    const property = properties[key];
    if (property === undefined) {
      const reason = refusedOnWindows.has(key)
        ? "is not available for Windows filters"
        : "is not a filter property";
      throw invalid(`'device.${match[1]}' ${reason}`);
    }
    position += 1;
    const operatorToken = peek();
    if (operatorToken?.type !== "word")
      throw invalid(`expected an operator after device.${property.name} ${where(operatorToken)}`);
    needSpace(operatorToken);
    const operator = operatorToken.text.toLowerCase().replace(/^-/, "");
    if (![...stringOperators, ...versionOperators].includes(operator as FilterOperator))
      throw invalid(
        `'${operatorToken.text}' is not a filter operator (eq, ne, startsWith, contains, notContains, in, notIn, gt, ge, lt, le)`,
      );
    if (!property.operators.includes(operator))
      throw invalid(
        `device.${property.name} does not take -${operator} (it takes ${property.operators.map((item) => `-${item}`).join(", ")})`,
      );
    position += 1;
    const value = valueFor(property.name, property.kind, operator as FilterOperator);
    return { kind: "clause", property: property.name, operator: operator as FilterOperator, value };
  };
  const valueFor = (
    name: FilterProperty,
    kind: ValueKind,
    operator: FilterOperator,
  ): string | null | readonly string[] => {
    const token = peek();
    if (token === undefined) throw invalid(`device.${name} -${operator} needs a value`);
    if (token.type === "listOpen") {
      if (operator !== "in" && operator !== "notin")
        throw invalid(`a list takes -in or -notIn, not -${operator} ${where(token)}`);
      position += 1;
      const items: string[] = [];
      while (peek()?.type !== "listClose") {
        const item = peek();
        if (item?.type !== "string") throw invalid(`a list holds double-quoted strings ${where(item)}`);
        items.push(item.text);
        position += 1;
        if (peek()?.type === "comma") position += 1;
        else if (peek()?.type !== "listClose") throw invalid(`expected ',' or ']' ${where(peek())}`);
      }
      position += 1;
      if (items.length === 0) throw invalid(`the list ${where(token)} is empty`);
      return items;
    }
    if (token.type === "word") {
      needSpace(token);
      position += 1;
      if (/^\$?null$/i.test(token.text)) {
        if (operator !== "eq" && operator !== "ne") throw invalid(`$null takes -eq or -ne, not -${operator}`);
        if (kind === "version") throw invalid(`device.${name} cannot be compared with $null`);
        return null;
      }
      if (kind === "version") return versionValue(name, token.text);
      throw invalid(`the value '${token.text}' must be in double quotes ${where(token)}`);
    }
    if (token.type !== "string") throw invalid(`expected a value ${where(token)}`);
    needSpace(token);
    position += 1;
    if (token.text === "")
      throw invalid(`an empty string is not a value (test a missing value with $null) ${where(token)}`);
    if (kind === "version") return versionValue(name, token.text);
    // A bare string after -in works as a one-item list (S12 V18).
    return operator === "in" || operator === "notin" ? [token.text] : token.text;
  };

  const expression = orExpression();
  const rest = peek();
  if (rest !== undefined) {
    if (rest.type === "close") throw invalid(`a ')' ${where(rest)} has no '('`);
    throw invalid(`expected 'and' or 'or' ${where(rest)}`);
  }
  return expression;
}

function versionValue(name: FilterProperty, text: string): string {
  // 2 to 4 numeric parts, quoted or bare (S12 V21, V22, V47, V48).
  if (!/^\s*\d+(\.\d+){1,3}\s*$/.test(text))
    throw invalid(`device.${name} takes a version of 2 to 4 numeric parts, not '${text}'`);
  return text.trim();
}
