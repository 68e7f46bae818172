import { describe, expect, it } from "vitest";
import { orderKeys, stringifyOrdered } from "../../src/schema/ordered-json.ts";

const ORDER = ["Id", "Name", "Version"] as const;

describe("stringifyOrdered", () => {
  it("writes the ordered members first, whichever order the object was built in", () => {
    expect(stringifyOrdered({ Version: 2, Extra: true, Name: "n", Id: "i" }, ORDER)).toBe(
      '{"Id":"i","Name":"n","Version":2,"Extra":true}',
    );
  });

  it("writes an object already in order as it is, other members after the ordered ones", () => {
    expect(stringifyOrdered({ Id: "i", Version: 2, Extra: [1], More: null }, ORDER)).toBe(
      '{"Id":"i","Version":2,"Extra":[1],"More":null}',
    );
  });

  it("reorders an ordered member that follows another member", () => {
    expect(stringifyOrdered({ Id: "i", Extra: 1, Name: "n" }, ORDER)).toBe('{"Id":"i","Name":"n","Extra":1}');
  });

  it("leaves out undefined members wherever they stand", () => {
    expect(stringifyOrdered({ Name: undefined, Id: "i", Version: 1 }, ORDER)).toBe('{"Id":"i","Version":1}');
    expect(stringifyOrdered({ Version: 1, Extra: undefined, Id: "i" }, ORDER)).toBe('{"Id":"i","Version":1}');
  });

  it("writes arrays and class instances through the reordered copy, as before", () => {
    expect(stringifyOrdered(["a", "b"], ORDER)).toBe('{"0":"a","1":"b"}');
    class Report {
      Name = "n";
      Id = "i";
      toJSON() {
        return "not used";
      }
    }
    expect(stringifyOrdered(new Report(), ORDER)).toBe('{"Id":"i","Name":"n"}');
  });

  it("is JSON.stringify of orderKeys for every arrangement of the members", () => {
    const keys = ["Version", "Extra", "Id", "Name"];
    const permutations = (rest: string[]): string[][] =>
      rest.length === 0
        ? [[]]
        : rest.flatMap((key, i) => permutations(rest.filter((_, j) => j !== i)).map((p) => [key, ...p]));
    for (const keysInOrder of permutations(keys)) {
      const value = Object.fromEntries(keysInOrder.map((key) => [key, key.length]));
      expect(stringifyOrdered(value, ORDER)).toBe(JSON.stringify(orderKeys(value, ORDER)));
    }
  });

  it("writes objects of a member list seen in order as that list, its undefined members left out", () => {
    const order = ["Id", "Name", "Version"];
    expect(stringifyOrdered({ Id: "i", Name: "n", Version: 1, Extra: 2 }, order)).toBe(
      '{"Id":"i","Name":"n","Version":1,"Extra":2}',
    );
    expect(stringifyOrdered({ Id: undefined, Name: "n", Version: undefined, Extra: 2 }, order)).toBe(
      '{"Name":"n","Extra":2}',
    );
    expect(stringifyOrdered({ Name: "n", Id: "i", Version: 1, Extra: 2 }, order)).toBe(
      '{"Id":"i","Name":"n","Version":1,"Extra":2}',
    );
    expect(stringifyOrdered({ Id: "i", Name: "n", Extra: 2, Version: 1 }, order)).toBe(
      '{"Id":"i","Name":"n","Version":1,"Extra":2}',
    );
  });

  it("checks shapes beyond the ones it keeps as before", () => {
    const order = ["Id", "Name"];
    for (let i = 0; i < 20; i += 1) {
      const value = { Id: i, [`Extra${i}`]: i, Name: "n" };
      expect(stringifyOrdered(value, order)).toBe(JSON.stringify(orderKeys(value, order)));
      const inOrder = { Id: i, Name: "n", [`Extra${i}`]: i };
      expect(stringifyOrdered(inOrder, order)).toBe(JSON.stringify(inOrder));
    }
  });
});
