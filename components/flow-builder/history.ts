// Undo/redo as a stack of reversible commands (n8n-style): every edit of the flow editor is a
// command that knows how to apply and revert itself. Consecutive commands with the same merge
// key (typing in one field, one drag) fold into one entry; an explicit group folds a
// multi-step edit. The stack is capped; a new edit clears redo. Pure: no React.

export type Command<S> = {
  /** Short description, for a tooltip ("Delete node"). */
  label: string;
  apply(state: S): S;
  revert(state: S): S;
  /**
   * Commands with the same key, pushed within `mergeWindowMs` of each other, become one entry
   * (e.g. `config:<nodeId>:<field>` while typing).
   */
  mergeKey?: string;
};

export type HistoryEntry<S> = { label: string; commands: Command<S>[]; mergeKey?: string; at: number };

export type HistoryState<S> = {
  past: HistoryEntry<S>[];
  future: HistoryEntry<S>[];
  /** An open group: commands pushed until it closes are one entry. */
  group: HistoryEntry<S> | null;
};

export const HISTORY_LIMIT = 200;
export const MERGE_WINDOW_MS = 1000;

export const emptyHistory = <S>(): HistoryState<S> => ({ past: [], future: [], group: null });

/** A command that swaps whole states: the simplest reversible edit over immutable data. */
export function snapshotCommand<S>(label: string, before: S, after: S, mergeKey?: string): Command<S> {
  return { label, apply: () => after, revert: () => before, ...(mergeKey ? { mergeKey } : {}) };
}

/** A command from a pure `update`, reverting to the state it was applied to. */
export function updateCommand<S>(label: string, state: S, update: (state: S) => S, mergeKey?: string): Command<S> {
  return snapshotCommand(label, state, update(state), mergeKey);
}

function cap<S>(past: HistoryEntry<S>[], limit: number): HistoryEntry<S>[] {
  return past.length > limit ? past.slice(past.length - limit) : past;
}

/**
 * Applies a command and records it. Returns the new document state and history.
 * `now` is injectable for tests.
 */
export function execute<S>(
  history: HistoryState<S>,
  state: S,
  command: Command<S>,
  options: { now?: number; limit?: number; mergeWindowMs?: number } = {},
): { state: S; history: HistoryState<S> } {
  const now = options.now ?? Date.now();
  const limit = options.limit ?? HISTORY_LIMIT;
  const next = command.apply(state);
  if (next === state) return { state, history };

  if (history.group) {
    const group = { ...history.group, commands: [...history.group.commands, command], at: now };
    return { state: next, history: { ...history, group, future: [] } };
  }

  const last = history.past[history.past.length - 1];
  const window = options.mergeWindowMs ?? MERGE_WINDOW_MS;
  if (last && command.mergeKey !== undefined && last.mergeKey === command.mergeKey && now - last.at <= window) {
    const merged: HistoryEntry<S> = { ...last, commands: [...last.commands, command], at: now };
    return { state: next, history: { past: [...history.past.slice(0, -1), merged], future: [], group: null } };
  }

  const entry: HistoryEntry<S> = { label: command.label, commands: [command], at: now, ...(command.mergeKey ? { mergeKey: command.mergeKey } : {}) };
  return { state: next, history: { past: cap([...history.past, entry], limit), future: [], group: null } };
}

/** Starts a group (e.g. on drag start); commands until `endGroup` are undone together. */
export function beginGroup<S>(history: HistoryState<S>, label: string, now = Date.now()): HistoryState<S> {
  if (history.group) return history;
  return { ...history, group: { label, commands: [], at: now } };
}

export function endGroup<S>(history: HistoryState<S>, limit = HISTORY_LIMIT): HistoryState<S> {
  const group = history.group;
  if (!group) return history;
  if (group.commands.length === 0) return { ...history, group: null };
  return { past: cap([...history.past, group], limit), future: history.future, group: null };
}

export const canUndo = <S>(h: HistoryState<S>): boolean => h.past.length > 0 || (h.group?.commands.length ?? 0) > 0;
export const canRedo = <S>(h: HistoryState<S>): boolean => h.future.length > 0;

export function undo<S>(history: HistoryState<S>, state: S): { state: S; history: HistoryState<S> } {
  const closed = endGroup(history);
  const entry = closed.past[closed.past.length - 1];
  if (!entry) return { state, history: closed };
  let next = state;
  for (let i = entry.commands.length - 1; i >= 0; i--) next = (entry.commands[i] as Command<S>).revert(next);
  // A redone entry never merges with a later edit.
  const { mergeKey: _dropped, ...redoable } = entry;
  return { state: next, history: { past: closed.past.slice(0, -1), future: [...closed.future, redoable], group: null } };
}

export function redo<S>(history: HistoryState<S>, state: S): { state: S; history: HistoryState<S> } {
  const entry = history.future[history.future.length - 1];
  if (!entry) return { state, history };
  let next = state;
  for (const command of entry.commands) next = command.apply(next);
  return { state: next, history: { past: [...history.past, entry], future: history.future.slice(0, -1), group: null } };
}
