"use client";

import { useCallback, useMemo, useReducer } from "react";

import {
  beginGroup,
  canRedo,
  canUndo,
  emptyHistory,
  endGroup,
  execute,
  redo,
  snapshotCommand,
  undo,
  type HistoryState,
} from "./history";
import type { EditorDoc } from "./model";

type State = { doc: EditorDoc; history: HistoryState<EditorDoc> };
type Action =
  | { type: "run"; label: string; update: (doc: EditorDoc) => EditorDoc; mergeKey?: string }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "begin"; label: string }
  | { type: "end" }
  | { type: "reset"; doc: EditorDoc };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "run": {
      const after = action.update(state.doc);
      if (after === state.doc) return state;
      const next = execute(state.history, state.doc, snapshotCommand(action.label, state.doc, after, action.mergeKey));
      return { doc: next.state, history: next.history };
    }
    case "undo": {
      const next = undo(state.history, state.doc);
      return { doc: next.state, history: next.history };
    }
    case "redo": {
      const next = redo(state.history, state.doc);
      return { doc: next.state, history: next.history };
    }
    case "begin":
      return { ...state, history: beginGroup(state.history, action.label) };
    case "end":
      return { ...state, history: endGroup(state.history) };
    case "reset":
      return { doc: action.doc, history: emptyHistory() };
  }
}

export type FlowEditor = {
  doc: EditorDoc;
  canUndo: boolean;
  canRedo: boolean;
  /** Applies a pure edit as one undoable command (merged with the previous one on the same key). */
  run: (label: string, update: (doc: EditorDoc) => EditorDoc, mergeKey?: string) => void;
  undo: () => void;
  redo: () => void;
  beginGroup: (label: string) => void;
  endGroup: () => void;
  /** Replaces the document and forgets the history (a reload). */
  reset: (doc: EditorDoc) => void;
};

/** The editor's document and its command history. */
export function useFlowEditor(initial: EditorDoc): FlowEditor {
  const [state, dispatch] = useReducer(reducer, undefined, () => ({ doc: initial, history: emptyHistory<EditorDoc>() }));
  const run = useCallback(
    (label: string, update: (doc: EditorDoc) => EditorDoc, mergeKey?: string) => dispatch({ type: "run", label, update, mergeKey }),
    [],
  );
  const actions = useMemo(
    () => ({
      undo: () => dispatch({ type: "undo" }),
      redo: () => dispatch({ type: "redo" }),
      beginGroup: (label: string) => dispatch({ type: "begin", label }),
      endGroup: () => dispatch({ type: "end" }),
      reset: (doc: EditorDoc) => dispatch({ type: "reset", doc }),
    }),
    [],
  );
  return { doc: state.doc, canUndo: canUndo(state.history), canRedo: canRedo(state.history), run, ...actions };
}
