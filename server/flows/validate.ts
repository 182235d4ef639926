// The one graph validator: run inline by the canvas and again by the server on publish.
// Pure and deterministic: issues come out in rule order, nodes and edges in definition order.
import type { z } from "zod";
import { findNodeKindSpec, nodeTitle } from "./kinds";
import type { UnknownNodeKindSpec } from "./kinds";
import type { Localized } from "./kinds/spec";
import { localizeSchemaMessage } from "./kinds/shared";
import { flowSettingsSchema, nodeIdSchema, nodeNameSchema, visitLimitSchema } from "./definition";
import type { FlowDraft, FlowDraftNode, FlowEdge } from "./definition";

export type FlowIssueCode =
  | "invalid_settings"
  | "duplicate_node_id"
  | "invalid_node"
  | "unknown_kind"
  | "invalid_config"
  | "missing_reference"
  | "no_trigger"
  | "duplicate_edge_id"
  | "edge_unknown_source"
  | "edge_unknown_target"
  | "exit_has_outgoing"
  | "trigger_has_incoming"
  | "edge_unknown_branch"
  | "missing_branch"
  | "implicit_exit"
  | "branch_multiple_edges"
  | "unreachable_node"
  | "cycle_without_wait"
  | "loop_without_visit_limit"
  // Reported by the kinds' own checks:
  | "random_split_total"
  | "response_source_invalid";

export type FlowIssue = {
  code: FlowIssueCode | (string & {});
  severity: "error" | "warning";
  nodeId?: string;
  edgeId?: string;
  message: Localized;
  /** Where in the node (e.g. ["config", "window", "amount"]) or the settings the problem is. */
  path?: (string | number)[];
};

export type ValidationContext = {
  /** When the check happens (default: now): a one-time schedule before it would never run. */
  now?: Date;
  /** Ids that exist right now; a kind of reference is only checked when its set is given. */
  existingIds?: {
    couponTemplates?: Set<string>;
    audiences?: Set<string>;
    notificationTemplates?: Set<string>;
    priceLists?: Set<string>;
    bannerCreatives?: Set<string>;
  };
  /** Of those, the archived ones: still valid where used, no longer offered for new steps. */
  archivedIds?: {
    couponTemplates?: Set<string>;
    audiences?: Set<string>;
    notificationTemplates?: Set<string>;
    priceLists?: Set<string>;
    bannerCreatives?: Set<string>;
  };
};

export const hasErrors = (issues: readonly FlowIssue[]): boolean => issues.some((i) => i.severity === "error");

const zodPath = (issue: z.core.$ZodIssue): (string | number)[] =>
  issue.path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");

type NodeFacts = {
  node: FlowDraftNode;
  spec: UnknownNodeKindSpec | undefined;
  /** Branch ids when the config is valid; undefined when we cannot know them. */
  branches: string[] | undefined;
  /** What the marketer sees on each branch handle ("Silver members", "No response"), by branch id. */
  branchLabels?: Map<string, Localized>;
  /** The parsed config when it is valid (parsed once, reused by the kind checks). */
  config?: unknown;
};

/** The nodes reachable from `starts` along `successors`, not passing through `blocked` ones. */
function reachable(starts: readonly string[], successors: ReadonlyMap<string, string[]>, blocked: (id: string) => boolean = () => false): Set<string> {
  const seen = new Set(starts.filter((id) => !blocked(id)));
  const queue = [...seen];
  while (queue.length > 0) {
    for (const next of successors.get(queue.shift() as string) ?? []) {
      if (seen.has(next) || blocked(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

const branchTitle = (fact: NodeFacts, branch: string): Localized => fact.branchLabels?.get(branch) ?? { en: branch, "zh-CN": branch };

export function validateFlow(def: FlowDraft, ctx: ValidationContext = {}): FlowIssue[] {
  const issues: FlowIssue[] = [];

  const settings = flowSettingsSchema.safeParse(def.settings);
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      issues.push({
        code: "invalid_settings",
        severity: "error",
        message: localizeSchemaMessage(issue.message),
        path: ["settings", ...zodPath(issue)],
      });
    }
  }

  // Nodes: ids, fields, config, kind checks, references.
  const facts = new Map<string, NodeFacts>();
  for (const node of def.nodes) {
    if (facts.has(node.id)) {
      issues.push({
        code: "duplicate_node_id",
        severity: "error",
        nodeId: node.id,
        message: { en: `Another node already has the id "${node.id}"`, "zh-CN": `节点 id“${node.id}”重复` },
      });
      continue;
    }
    const spec = findNodeKindSpec(node.kind);
    const fact: NodeFacts = { node, spec, branches: undefined };
    facts.set(node.id, fact);
    issues.push(...nodeFieldIssues(node));
    if (!spec) {
      issues.push({
        code: "unknown_kind",
        severity: "error",
        nodeId: node.id,
        message: { en: `Unknown node kind "${node.kind}"`, "zh-CN": `未知的节点类型“${node.kind}”` },
      });
      continue;
    }
    const parsed = spec.configSchema.safeParse(node.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          code: "invalid_config",
          severity: "error",
          nodeId: node.id,
          message: localizeSchemaMessage(issue.message),
          path: ["config", ...zodPath(issue)],
        });
      }
      continue;
    }
    fact.config = parsed.data;
    const branchSpecs = spec.branches(parsed.data);
    fact.branches = branchSpecs.map((b) => b.id);
    fact.branchLabels = new Map(branchSpecs.map((b) => [b.id, b.label]));
  }

  // Kind checks may look at other nodes, so they run once every node is known.
  const nodeKind = (id: string) => facts.get(id)?.node.kind;
  for (const { node, spec, branches, config } of facts.values()) {
    if (!spec || branches === undefined) continue;
    for (const issue of spec.check(config, { nodeKind, now: ctx.now ?? new Date() })) {
      issues.push({
        code: issue.code,
        severity: issue.severity,
        nodeId: node.id,
        message: issue.message,
        ...(issue.path ? { path: ["config", ...issue.path] } : {}),
      });
    }
    issues.push(...referenceIssues(node.id, spec, config, ctx));
  }

  const isTrigger = (id: string) => facts.get(id)?.spec?.category === "trigger";
  if (![...facts.keys()].some(isTrigger)) {
    issues.push({
      code: "no_trigger",
      severity: "error",
      message: { en: "Add a trigger: it decides who enters the flow and when", "zh-CN": "请添加触发器：它决定谁在何时进入流程" },
    });
  }

  // Edges: ids, endpoints, handles. Only edges that pass go on to the graph rules.
  const edgeIds = new Set<string>();
  // Edges that fill a branch (counted for missing / doubled branches) …
  const branchEdges: FlowEdge[] = [];
  // … and edges members can actually travel (reachability, loops): never into a trigger.
  const graphEdges: FlowEdge[] = [];
  for (const edge of def.edges) {
    const edgeIssue = checkEdge(edge, edgeIds, facts, isTrigger);
    edgeIds.add(edge.id);
    if (edgeIssue) issues.push(edgeIssue);
    const code = edgeIssue?.code;
    if (code === undefined || code === "duplicate_edge_id" || code === "trigger_has_incoming") branchEdges.push(edge);
    if (code === undefined || code === "duplicate_edge_id") graphEdges.push(edge);
  }

  // Every branch exactly once.
  for (const fact of facts.values()) {
    const { node, spec, branches } = fact;
    if (!spec || !branches) continue;
    for (const branch of branches) {
      const label = branchTitle(fact, branch);
      const out = branchEdges.filter((e) => e.source === node.id && e.branch === branch);
      if (out.length === 0) {
        // An action or wait left open simply ends the journey; a decision left open loses members.
        const implicitExit = branch === "out" && spec.category !== "trigger";
        issues.push({
          code: implicitExit ? "implicit_exit" : "missing_branch",
          severity: implicitExit ? "warning" : "error",
          nodeId: node.id,
          message: implicitExit
            ? { en: "Nothing follows this node: members leave the flow here", "zh-CN": "此节点后没有连接：会员将在此离开流程" }
            : { en: `Connect the "${label.en}" branch to the next step`, "zh-CN": `请将“${label["zh-CN"]}”分支连接到下一步` },
          path: ["branches", branch],
        });
      }
      for (const extra of out.slice(1)) {
        issues.push({
          code: "branch_multiple_edges",
          severity: "error",
          nodeId: node.id,
          edgeId: extra.id,
          message: {
            en: `The "${label.en}" branch can lead to one node only`,
            "zh-CN": `“${label["zh-CN"]}”分支只能连接一个节点`,
          },
          path: ["branches", branch],
        });
      }
    }
  }

  const successors = new Map<string, string[]>([...facts.keys()].map((id) => [id, []]));
  for (const e of graphEdges) successors.get(e.source)?.push(e.target);

  const triggers = [...facts.keys()].filter(isTrigger);
  const reached = reachable(triggers, successors);
  for (const id of facts.keys()) {
    if (reached.has(id)) continue;
    issues.push({
      code: "unreachable_node",
      severity: "error",
      nodeId: id,
      message: { en: "No trigger leads to this node", "zh-CN": "没有任何触发器能到达此节点" },
    });
  }

  // Upstream needs: a path from a trigger that avoids every node of the needed kind reaches the
  // node without it (e.g. an SMS quoting {{coupon.code}} to members who were issued no coupon).
  for (const fact of facts.values()) {
    if (!fact.spec || fact.config === undefined || !reached.has(fact.node.id)) continue;
    for (const kind of new Set(fact.spec.needsUpstream(fact.config))) {
      const isNeeded = (id: string) => facts.get(id)?.node.kind === kind;
      if (!reachable(triggers, successors, isNeeded).has(fact.node.id)) continue;
      const needed = findNodeKindSpec(kind)?.label ?? { en: kind, "zh-CN": kind };
      issues.push({
        code: "missing_upstream",
        severity: "warning",
        nodeId: fact.node.id,
        message: {
          en: `Some members reach this step without a "${needed.en}" step before it: what it quotes from that step would be empty for them`,
          "zh-CN": `部分会员到达此步骤前没有经过“${needed["zh-CN"]}”：对他们而言，引用自该步骤的内容将为空`,
        },
      });
    }
  }

  // Loops: every cycle must pass through a wait (else it spins instantly), and every node on a
  // loop needs a visit limit (else a member can circle forever).
  const order = [...facts.keys()];
  const isWait = (id: string) => facts.get(id)?.spec?.isWait === true;
  const withoutWaits = new Map(
    order.filter((id) => !isWait(id)).map((id) => [id, (successors.get(id) ?? []).filter((t) => !isWait(t))]),
  );
  for (const component of cyclicComponents(order.filter((id) => !isWait(id)), withoutWaits)) {
    const first = component[0] as string;
    const names = component.map((id) => nodeTitle(facts.get(id)!.node));
    issues.push({
      code: "cycle_without_wait",
      severity: "error",
      nodeId: first,
      message: {
        en: `This loop (${names.map((n) => n.en).join(" → ")}) has no wait: add a delay or a wait for response`,
        "zh-CN": `此循环（${names.map((n) => n["zh-CN"]).join(" → ")}）中没有等待节点：请添加等待时长或等待响应`,
      },
    });
  }
  for (const component of cyclicComponents(order, successors)) {
    for (const id of component) {
      if (facts.get(id)?.node.visitLimit !== undefined) continue;
      issues.push({
        code: "loop_without_visit_limit",
        severity: "error",
        nodeId: id,
        message: {
          en: "This node is on a loop: set how many times a member may visit it",
          "zh-CN": "此节点位于循环中：请设置每位会员的最多访问次数",
        },
        path: ["visitLimit"],
      });
    }
  }

  return issues;
}

// Built once: constructing zod schemas is costly, and this runs for every node on every edit.
const optionalNodeNameSchema = nodeNameSchema.optional();
const optionalVisitLimitSchema = visitLimitSchema.optional();

function nodeFieldIssues(node: FlowDraftNode): FlowIssue[] {
  const checks: [string, z.ZodType, unknown][] = [
    ["id", nodeIdSchema, node.id],
    ["name", optionalNodeNameSchema, node.name],
    ["visitLimit", optionalVisitLimitSchema, node.visitLimit],
  ];
  const issues: FlowIssue[] = [];
  for (const [field, schema, value] of checks) {
    const result = schema.safeParse(value);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      issues.push({
        code: "invalid_node",
        severity: "error",
        nodeId: node.id,
        message: localizeSchemaMessage(issue.message),
        path: [field],
      });
    }
  }
  return issues;
}

const referenceKinds = [
  { key: "couponTemplateIds", set: "couponTemplates", what: { en: "Coupon template", "zh-CN": "优惠券模板" } },
  { key: "audienceIds", set: "audiences", what: { en: "Audience", "zh-CN": "人群" } },
  { key: "notificationTemplateIds", set: "notificationTemplates", what: { en: "Message template", "zh-CN": "消息模板" } },
  { key: "priceListIds", set: "priceLists", what: { en: "Price list", "zh-CN": "会员价" } },
  { key: "bannerCreativeIds", set: "bannerCreatives", what: { en: "Banner", "zh-CN": "Banner" } },
] as const;

function referenceIssues(nodeId: string, spec: UnknownNodeKindSpec, config: unknown, ctx: ValidationContext): FlowIssue[] {
  const refs = spec.references(config);
  const issues: FlowIssue[] = [];
  for (const { key, set, what } of referenceKinds) {
    const existing = ctx.existingIds?.[set];
    if (!existing) continue;
    const archived = ctx.archivedIds?.[set];
    for (const id of refs[key]) {
      if (existing.has(id)) {
        if (archived?.has(id)) {
          issues.push({
            code: "archived_reference",
            severity: "warning",
            nodeId,
            message: {
              en: `This ${what.en.toLowerCase()} is archived: the flow keeps using it, but it is no longer offered for new steps`,
              "zh-CN": `此${what["zh-CN"]}已归档：本流程仍会继续使用，但新步骤中不再提供`,
            },
          });
        }
        continue;
      }
      issues.push({
        code: "missing_reference",
        severity: "error",
        nodeId,
        message: { en: `${what.en} "${id}" does not exist`, "zh-CN": `${what["zh-CN"]}“${id}”不存在` },
      });
    }
  }
  return issues;
}

function checkEdge(
  edge: FlowEdge,
  seenIds: Set<string>,
  facts: Map<string, NodeFacts>,
  isTrigger: (id: string) => boolean,
): FlowIssue | undefined {
  const source = facts.get(edge.source);
  const target = facts.get(edge.target);
  const base = { severity: "error" as const, edgeId: edge.id };
  if (!source) {
    return {
      ...base,
      code: "edge_unknown_source",
      ...(target ? { nodeId: target.node.id } : {}),
      message: { en: `A connection starts at a missing node "${edge.source}"`, "zh-CN": `连线起点节点“${edge.source}”不存在` },
    };
  }
  if (!target) {
    return {
      ...base,
      code: "edge_unknown_target",
      nodeId: source.node.id,
      message: { en: `A connection leads to a missing node "${edge.target}"`, "zh-CN": `连线指向的节点“${edge.target}”不存在` },
    };
  }
  if (source.spec?.category === "exit") {
    return {
      ...base,
      code: "exit_has_outgoing",
      nodeId: source.node.id,
      message: { en: "Nothing can follow an exit", "zh-CN": "结束节点之后不能再连接" },
    };
  }
  if (source.branches && !source.branches.includes(edge.branch)) {
    return {
      ...base,
      code: "edge_unknown_branch",
      nodeId: source.node.id,
      message: { en: `This node has no "${edge.branch}" branch`, "zh-CN": `此节点没有“${edge.branch}”分支` },
    };
  }
  if (isTrigger(edge.target)) {
    return {
      ...base,
      code: "trigger_has_incoming",
      nodeId: edge.target,
      message: { en: "A trigger starts the flow: nothing can lead into it", "zh-CN": "触发器是流程起点：不能有连线指向它" },
    };
  }
  if (seenIds.has(edge.id)) {
    return {
      ...base,
      code: "duplicate_edge_id",
      nodeId: source.node.id,
      message: { en: `Another connection already has the id "${edge.id}"`, "zh-CN": `连线 id“${edge.id}”重复` },
    };
  }
  return undefined;
}

/**
 * Strongly connected components that contain a cycle (2+ nodes, or 1 node with a self-loop),
 * each listed in `order`, components ordered by their first node. Tarjan, iterative so a long
 * chain cannot overflow the stack.
 */
export function cyclicComponents(order: readonly string[], successors: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of order) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const succ = successors.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] as string;
        if (!successors.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const members: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          members.push(w);
        } while (w !== frame.id);
        const cyclic = members.length > 1 || (successors.get(frame.id) ?? []).includes(frame.id);
        if (cyclic) components.push(members);
      }
    }
  }
  const position = new Map(order.map((id, i) => [id, i]));
  const byOrder = (a: string, b: string) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  return components
    .map((c) => [...c].sort(byOrder))
    .sort((a, b) => byOrder(a[0] as string, b[0] as string));
}
