// The copy-on-write tree's transactions roll back through an undo log (issue 18): what a rollback has to put
// back exactly — payloads written in place, children removed (in their order), subtrees moved — and a shared
// base tree that is never touched.
import { describe, expect, it, vi } from "vitest";
import { CowTree, type TreeNode } from "../../src/host/memory/cow-tree.ts";

type Payload = { value: string };
const clone = (payload: Payload): Payload => ({ ...payload });
const make = (name: string): Payload => ({ value: `new ${name}` });

/** The tree as nested plain objects, children in map order, to compare whole states. */
function shape(node: TreeNode<Payload>): unknown {
  return {
    name: node.name,
    value: node.payload.value,
    children: Array.from(node.children.values(), shape),
  };
}

function treeWith(paths: string[][]): CowTree<Payload> {
  const tree = new CowTree(CowTree.root<Payload>({ value: "root" }), clone);
  for (const path of paths) tree.mutable(path, make);
  return tree;
}

const failing = (work: () => void) => () => {
  work();
  throw new Error("roll back");
};

describe("CowTree transactions", () => {
  it("puts back payloads changed in place, nodes created and children removed, keeping their order", () => {
    const tree = treeWith([["a", "x"], ["a", "y"], ["a", "z"], ["b"]]);
    tree.mutable(["a", "y"])!.payload.value = "before";
    const before = shape(tree.root);
    expect(() =>
      tree.transaction(
        failing(() => {
          tree.mutable(["a", "y"])!.payload.value = "changed";
          tree.mutable(["a", "y"])!.payload.value = "changed twice";
          tree.remove(["a", "x"]);
          tree.mutable(["a", "w", "deep"], make);
          tree.remove(["b"]);
        }),
      ),
    ).toThrow("roll back");
    expect(shape(tree.root)).toEqual(before);
  });

  it("keeps a committed transaction's writes and undoes nothing of it later", () => {
    const tree = treeWith([["a", "x"]]);
    tree.transaction(() => {
      tree.mutable(["a", "x"])!.payload.value = "committed";
    });
    expect(() =>
      tree.transaction(
        failing(() => {
          tree.mutable(["a", "x"])!.payload.value = "dropped";
        }),
      ),
    ).toThrow();
    expect(tree.find(["a", "x"])!.payload.value).toBe("committed");
  });

  it("undoes only the inner writes when a nested transaction fails inside the outer one", () => {
    const tree = treeWith([["k"]]);
    tree.transaction(() => {
      tree.mutable(["k"])!.payload.value = "outer";
      expect(() =>
        tree.transaction(
          failing(() => {
            tree.mutable(["k"])!.payload.value = "inner";
            tree.mutable(["inner-only"], make);
          }),
        ),
      ).toThrow();
      expect(tree.find(["k"])!.payload.value).toBe("outer");
      expect(tree.find(["inner-only"])).toBeUndefined();
    });
    expect(tree.find(["k"])!.payload.value).toBe("outer");
  });

  it("undoes an inner transaction that succeeded when the outer one fails", () => {
    const tree = treeWith([["k"]]);
    const before = shape(tree.root);
    expect(() =>
      tree.transaction(
        failing(() => {
          tree.transaction(() => {
            tree.mutable(["k"])!.payload.value = "inner";
            tree.mutable(["made"], make);
          });
          tree.mutable(["k"])!.payload.value = "outer";
        }),
      ),
    ).toThrow();
    expect(shape(tree.root)).toEqual(before);
  });

  it("restores a subtree moved and then written inside a failed transaction", () => {
    const tree = treeWith([["from", "child"], ["to"]]);
    const before = shape(tree.root);
    expect(() =>
      tree.transaction(
        failing(() => {
          const node = tree.detach(["from"])!;
          tree.attach(["to"], "moved", node);
          tree.mutable(["to", "moved"])!.payload.value = "written after the move";
          tree.mutable(["to", "moved", "child"])!.payload.value = "child written";
          tree.mutable(["to", "moved", "added"], make);
        }),
      ),
    ).toThrow();
    expect(shape(tree.root)).toEqual(before);
  });

  it("never changes a shared base tree, in or out of transactions", () => {
    const base = treeWith([["shared", "key"]]);
    const snapshot = shape(base.root);
    const device = new CowTree(base.root, clone);
    device.mutable(["shared", "key"])!.payload.value = "device";
    expect(() =>
      device.transaction(
        failing(() => {
          device.mutable(["shared", "other"], make);
          device.remove(["shared", "key"]);
        }),
      ),
    ).toThrow();
    expect(shape(base.root)).toEqual(snapshot);
    expect(device.find(["shared", "key"])!.payload.value).toBe("device");
    expect(device.find(["shared", "other"])).toBeUndefined();
  });
});

describe("CowTree find by a frozen path", () => {
  it("follows every change of place — create, copy, remove, move, rollback — while a payload change keeps the node", () => {
    const tree = treeWith([["a", "x"]]);
    const ax = Object.freeze(["A", "X"]);
    const bx = Object.freeze(["b", "x"]);
    const found = tree.find(ax)!;
    expect(found.payload.value).toBe("new x");
    tree.mutable(["a", "x"])!.payload.value = "changed";
    expect(tree.find(ax)).toBe(found);
    expect(tree.find(ax)!.payload.value).toBe("changed");
    expect(tree.find(bx)).toBeUndefined();
    tree.attach(["a"], "b", tree.detach(["a", "x"])!);
    expect(tree.find(ax)).toBeUndefined();
    expect(tree.find(Object.freeze(["a", "b"]))!.payload.value).toBe("changed");
    tree.mutable(["b", "x"], make);
    expect(tree.find(bx)!.payload.value).toBe("new x");
    expect(() => tree.transaction(failing(() => tree.remove(["b"])))).toThrow("roll back");
    expect(tree.find(bx)!.payload.value).toBe("new x");
    tree.remove(["b"]);
    expect(tree.find(bx)).toBeUndefined();
    const device = new CowTree(tree.root, clone);
    const ab = Object.freeze(["a", "b"]);
    expect(device.find(ab)!.payload.value).toBe("changed");
    device.mutable(ab)!.payload.value = "device";
    expect(device.find(ab)!.payload.value).toBe("device");
    expect(tree.find(ab)!.payload.value).toBe("changed");
  });

  it("keeps a found node across additions without walking again, and finds a missing path once it is added", () => {
    const tree = treeWith([["a", "x"]]);
    const ax = Object.freeze(["a", "x"]);
    const ay = Object.freeze(["a", "y"]);
    const found = tree.find(ax)!;
    expect(tree.find(ay)).toBeUndefined();
    tree.mutable(["a", "y"], make);
    tree.mutable(["c", "d"], make);
    const walks = vi.spyOn(tree, "findFolded");
    expect(tree.find(ax)).toBe(found);
    expect(walks).not.toHaveBeenCalled();
    expect(tree.find(ay)!.payload.value).toBe("new y");
    expect(walks).toHaveBeenCalledTimes(1);
    // An addition rolled back leaves the path missing again; one replaced (a node copied for another device) moves it.
    const az = Object.freeze(["a", "z"]);
    expect(() => tree.transaction(failing(() => tree.mutable(["a", "z"], make)))).toThrow("roll back");
    expect(tree.find(az)).toBeUndefined();
    const device = new CowTree(tree.root, clone);
    const base = device.find(ax)!;
    device.mutable(ax)!.payload.value = "device";
    expect(device.find(ax)).not.toBe(base);
    expect(device.find(ax)!.payload.value).toBe("device");
    expect(base.payload.value).toBe("new x");
  });

  it("gives a leaf's first child a map of its own: no other leaf sees it", () => {
    const tree = treeWith([["a"], ["b"]]);
    tree.mutable(["a", "x"], make);
    expect(shape(tree.root)).toEqual({
      name: "",
      value: "root",
      children: [
        { name: "a", value: "new a", children: [{ name: "x", value: "new x", children: [] }] },
        { name: "b", value: "new b", children: [] },
      ],
    });
    expect(tree.find(["a"])!.children).not.toBe(tree.find(["b"])!.children);
  });
});
