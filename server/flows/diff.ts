// What changed between two versions of a flow, by stable node id (the basis of migrating
// members in flight and of the "what changed" view before publishing).
import type { FlowDraft, FlowEdge } from "./definition";

export type FlowDiff = {
  added: string[];
  removed: string[];
  /** Fields like "kind", "name", "visitLimit", "config.window". */
  changed: { nodeId: string; fields: string[] }[];
  edgesAdded: FlowEdge[];
  edgesRemoved: FlowEdge[];
  /** Paths like "timezone", "reEntry.days", "frequencyCaps.sms". */
  settingsChanged: string[];
};

export function diffFlows(a: FlowDraft, b: FlowDraft): FlowDiff {
  const before = new Map(a.nodes.map((n) => [n.id, n]));
  const after = new Map(b.nodes.map((n) => [n.id, n]));

  const changed: FlowDiff["changed"] = [];
  for (const next of b.nodes) {
    const prev = before.get(next.id);
    if (!prev) continue;
    const fields: string[] = [];
    if (prev.kind !== next.kind) fields.push("kind");
    if (prev.name !== next.name) fields.push("name");
    if (prev.visitLimit !== next.visitLimit) fields.push("visitLimit");
    fields.push(...changedPaths(prev.config, next.config, "config", 1));
    if (fields.length > 0) changed.push({ nodeId: next.id, fields });
  }

  // An edge is what it connects, not its id: re-pointing a branch is one removed + one added.
  const edgeKey = (e: FlowEdge) => `${e.source}\u0000${e.branch}\u0000${e.target}`;
  const edgesBefore = new Set(a.edges.map(edgeKey));
  const edgesAfter = new Set(b.edges.map(edgeKey));

  return {
    added: b.nodes.filter((n) => !before.has(n.id)).map((n) => n.id),
    removed: a.nodes.filter((n) => !after.has(n.id)).map((n) => n.id),
    changed,
    edgesAdded: b.edges.filter((e) => !edgesBefore.has(edgeKey(e))),
    edgesRemoved: a.edges.filter((e) => !edgesAfter.has(edgeKey(e))),
    settingsChanged: changedPaths(a.settings, b.settings, "", 2),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Dotted paths where two values differ, descending `depth` levels into plain objects. */
function changedPaths(x: unknown, y: unknown, prefix: string, depth: number): string[] {
  if (deepEqual(x, y)) return [];
  if (depth === 0 || !isPlainObject(x) || !isPlainObject(y)) return prefix ? [prefix] : [];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  return keys.flatMap((k) => changedPaths(x[k], y[k], prefix ? `${prefix}.${k}` : k, depth - 1));
}

/** Structural equality of JSON-like values; key order does not matter, undefined equals absent. */
export function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((v, i) => deepEqual(v, y[i]));
  }
  if (!isPlainObject(x) || !isPlainObject(y)) return false;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if (!deepEqual(x[k], y[k])) return false;
  return true;
}
