import { describe, expect, it } from "vitest";
import {
  beginGroup,
  canRedo,
  canUndo,
  emptyHistory,
  endGroup,
  execute,
  HISTORY_LIMIT,
  redo,
  snapshotCommand,
  undo,
  updateCommand,
  type Command,
  type HistoryState,
} from "./history";

type Doc = { items: string[]; title: string };
const doc = (): Doc => ({ items: [], title: "" });

const add = (item: string): Command<Doc> => ({
  label: `add ${item}`,
  apply: (s) => ({ ...s, items: [...s.items, item] }),
  revert: (s) => ({ ...s, items: s.items.filter((i) => i !== item) }),
});
const setTitle = (s: Doc, title: string) => updateCommand("title", s, (d) => ({ ...d, title }), "title");

function run(commands: ((s: Doc) => Command<Doc>)[], start = doc(), times?: number[]) {
  let state = start;
  let history: HistoryState<Doc> = emptyHistory();
  commands.forEach((make, i) => {
    ({ state, history } = execute(history, state, make(state), { now: times?.[i] ?? i * 10_000 }));
  });
  return { state, history };
}

describe("command history", () => {
  it("undoes and redoes in order", () => {
    let { state, history } = run([() => add("a"), () => add("b")]);
    expect(state.items).toEqual(["a", "b"]);
    ({ state, history } = undo(history, state));
    expect(state.items).toEqual(["a"]);
    ({ state, history } = undo(history, state));
    expect(state.items).toEqual([]);
    expect(canUndo(history)).toBe(false);
    ({ state, history } = redo(history, state));
    ({ state, history } = redo(history, state));
    expect(state.items).toEqual(["a", "b"]);
    expect(canRedo(history)).toBe(false);
  });

  it("clears redo on a new edit", () => {
    let { state, history } = run([() => add("a"), () => add("b")]);
    ({ state, history } = undo(history, state));
    expect(canRedo(history)).toBe(true);
    ({ state, history } = execute(history, state, add("c")));
    expect(canRedo(history)).toBe(false);
    expect(state.items).toEqual(["a", "c"]);
  });

  it("merges commands with the same key inside the window (typing in one field)", () => {
    const { state, history } = run([(s) => setTitle(s, "H"), (s) => setTitle(s, "He"), (s) => setTitle(s, "Hey")], doc(), [0, 300, 600]);
    expect(state.title).toBe("Hey");
    expect(history.past).toHaveLength(1);
    expect(undo(history, state).state.title).toBe("");
  });

  it("does not merge across the window or across keys", () => {
    const { history } = run([(s) => setTitle(s, "H"), (s) => setTitle(s, "He")], doc(), [0, 5000]);
    expect(history.past).toHaveLength(2);
    const mixed = run([(s) => setTitle(s, "H"), () => add("x"), (s) => setTitle(s, "He")], doc(), [0, 10, 20]);
    expect(mixed.history.past).toHaveLength(3);
  });

  it("groups a multi-step edit into one entry", () => {
    let state = doc();
    let history = beginGroup(emptyHistory<Doc>(), "drag");
    ({ state, history } = execute(history, state, add("a")));
    ({ state, history } = execute(history, state, add("b")));
    expect(canUndo(history)).toBe(true);
    history = endGroup(history);
    expect(history.past).toHaveLength(1);
    ({ state, history } = undo(history, state));
    expect(state.items).toEqual([]);
    ({ state, history } = redo(history, state));
    expect(state.items).toEqual(["a", "b"]);
  });

  it("closes an open group when undoing", () => {
    let state = doc();
    let history = beginGroup(emptyHistory<Doc>(), "drag");
    ({ state, history } = execute(history, state, add("a")));
    ({ state, history } = undo(history, state));
    expect(state.items).toEqual([]);
    expect(history.group).toBeNull();
  });

  it("drops empty groups and no-op commands", () => {
    const state = doc();
    let history = endGroup(beginGroup(emptyHistory<Doc>(), "nothing"));
    expect(history.past).toHaveLength(0);
    ({ history } = execute(history, state, snapshotCommand("same", state, state)));
    expect(history.past).toHaveLength(0);
  });

  it("is capped", () => {
    const commands = Array.from({ length: HISTORY_LIMIT + 25 }, (_, i) => () => add(`i${i}`));
    let { state, history } = run(commands);
    expect(history.past).toHaveLength(HISTORY_LIMIT);
    for (let i = 0; i < HISTORY_LIMIT; i++) ({ state, history } = undo(history, state));
    expect(state.items).toHaveLength(25);
    expect(canUndo(history)).toBe(false);
  });

  it("a redone entry does not absorb a later edit with the same key", () => {
    let { state, history } = run([(s) => setTitle(s, "A")], doc(), [0]);
    ({ state, history } = undo(history, state));
    ({ state, history } = redo(history, state));
    ({ state, history } = execute(history, state, setTitle(state, "AB"), { now: 100 }));
    expect(history.past).toHaveLength(2);
  });
});
