import { describe, expect, it } from "vitest";
import { defaultFlowSettings } from "@/server/flows/definition";
import { nodeBox, nodeBranches } from "@/server/flows/canvas";
import { emptyHistory, execute, snapshotCommand, undo } from "./history";
import { addNode, addNodeAfter, connect, copySelection, paste, removeElements, updateNode, type EditorDoc } from "./model";

const empty = (): EditorDoc => ({ draft: { nodes: [], edges: [], settings: defaultFlowSettings() }, layout: {} });

function chain(): EditorDoc {
  let doc = empty();
  ({ doc } = addNode(doc, "manual_trigger", { x: 0, y: 0 }));
  ({ doc } = addNode(doc, "delay", { x: 0, y: 100 }));
  ({ doc } = addNode(doc, "exit", { x: 0, y: 200 }));
  doc = connect(doc, "manual", "out", "delay");
  doc = connect(doc, "delay", "out", "exit");
  return doc;
}

describe("editor model", () => {
  it("adds nodes with readable unique ids and defaults", () => {
    let doc = empty();
    let id: string;
    ({ doc, id } = addNode(doc, "split", { x: 10.4, y: 20.6 }));
    expect(id).toBe("split");
    ({ doc, id } = addNode(doc, "split", { x: 0, y: 0 }));
    expect(id).toBe("split-2");
    expect(doc.layout.split).toEqual({ x: 10, y: 21 });
    expect(doc.draft.nodes[0]?.config).toMatchObject({ elseName: "Everyone else" });
  });

  it("replaces the edge of a branch that is already connected", () => {
    let doc = chain();
    ({ doc } = addNode(doc, "exit", { x: 0, y: 300 }));
    doc = connect(doc, "delay", "out", "exit-2");
    const out = doc.draft.edges.filter((e) => e.source === "delay");
    expect(out).toHaveLength(1);
    expect(out[0]?.target).toBe("exit-2");
  });

  it("keeps the chain connected when a middle node is deleted", () => {
    const doc = removeElements(chain(), ["delay"]);
    expect(doc.draft.edges).toEqual([{ id: "e-manual-out", source: "manual", branch: "out", target: "exit" }]);
    expect(doc.layout.delay).toBeUndefined();
  });

  it("updates name, visit limit and config", () => {
    let doc = updateNode(chain(), "delay", { name: "Cool off", visitLimit: 2, config: { amount: 3, unit: "hours" } });
    expect(doc.draft.nodes[1]).toEqual({ id: "delay", kind: "delay", name: "Cool off", visitLimit: 2, config: { amount: 3, unit: "hours" } });
    doc = updateNode(doc, "delay", { name: "", visitLimit: undefined });
    expect(doc.draft.nodes[1]).toEqual({ id: "delay", kind: "delay", config: { amount: 3, unit: "hours" } });
    // The form echoing the same config back (as after an undo) is no edit: the same document.
    expect(updateNode(doc, "delay", { config: { unit: "hours", amount: 3 } })).toBe(doc);
    expect(updateNode(doc, "delay", { name: "" })).toBe(doc);
  });

  it("copies and pastes nodes with new ids, offset positions and their internal edges", () => {
    const doc = chain();
    const clip = copySelection(doc, ["delay", "exit"]);
    expect(clip?.edges).toHaveLength(1);
    const { doc: next, ids } = paste(doc, clip!);
    expect(ids).toEqual(["delay-2", "exit-2"]);
    expect(next.draft.edges.at(-1)).toMatchObject({ source: "delay-2", branch: "out", target: "exit-2" });
    expect(next.layout["delay-2"]).toEqual({ x: 40, y: 140 });
  });

  describe("adding after the selected node", () => {
    const split = (): EditorDoc => {
      let doc = empty();
      ({ doc } = addNode(doc, "manual_trigger", { x: 0, y: 0 }));
      ({ doc } = addNode(doc, "split", { x: 0, y: 200 }));
      doc = updateNode(doc, "split", {
        config: { groups: ["A", "B"].map((name, i) => ({ id: `group-${i + 1}`, name, conditions: { type: "group", op: "and", children: [] } })), elseName: "Else" },
      });
      ({ doc } = addNode(doc, "exit", { x: -400, y: 400 })); // off to the side, out of the way
      return connect(connect(doc, "manual", "out", "split"), "split", "group-1", "exit");
    };

    it("connects the first free branch and places the node under its handle, below", () => {
      const doc = split();
      const added = addNodeAfter(doc, "tag", "split")!;
      expect(added.branch).toBe("group-2");
      expect(added.doc.draft.edges.at(-1)).toMatchObject({ source: "split", branch: "group-2", target: added.id });
      const box = nodeBox(nodeBranches(doc.draft.nodes[1]!));
      const at = added.doc.layout[added.id]!;
      expect(at.y).toBe(200 + box.height + 72);
      // Centred under the middle of three equal columns (inside the 1px border)…
      const handleX = 1 + (1.5 / 3) * (box.width - 2);
      expect(at.x).toBe(Math.round(handleX - 120));
    });

    it("is one command: one undo removes the node and its edge", () => {
      const start = removeElements(chain(), [], ["e-delay-out"]);
      const added = addNodeAfter(start, "tag", "delay")!;
      const run = execute(emptyHistory<EditorDoc>(), start, snapshotCommand("Add node", start, added.doc));
      expect(run.state.draft.edges.some((e) => e.source === "delay" && e.target === added.id)).toBe(true);
      // Below the delay, where the exit stands: moved right past it.
      expect(run.state.layout[added.id]).toEqual({ x: 240 + 48, y: 100 + 74 + 72 });
      const back = undo(run.history, run.state);
      expect(back.state).toBe(start);
      expect(back.history.past).toHaveLength(0);
    });

    it("places the node below, unconnected, when every branch is taken", () => {
      const added = addNodeAfter(chain(), "tag", "manual")!;
      expect(added.branch).toBeNull();
      expect(added.doc.draft.edges).toEqual(chain().draft.edges);
      expect(added.doc.layout[added.id]!.y).toBe(74 + 72);
    });

    it("leaves triggers (and unknown nodes) to the usual placement", () => {
      expect(addNodeAfter(chain(), "event_trigger", "delay")).toBeNull();
      expect(addNodeAfter(chain(), "tag", "nope")).toBeNull();
    });
  });
});
