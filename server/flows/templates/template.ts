// A flow template is a ready-made flow the marketer starts from. Coupon templates are described
// inline; the importer creates or remaps them.
import type { Locale, Localized } from "../kinds/spec";
import { autoLayout } from "../layout";
import type { FlowLayout } from "../canvas";
import { defaultFlowSettings } from "../definition";
import type { FlowDefinition, FlowEdge, FlowNode, FlowSettings } from "../definition";
import type { ConditionTree } from "@/server/audiences/condition";
import { TZDate } from "@date-fns/tz";
import { addWeeks } from "date-fns";

export type FlowTemplate = {
  id: string;
  name: Localized;
  description: Localized;
  /** As a Chinese-speaking marketer gets it (templateDefinition gives it in either language). */
  definition: FlowDefinition;
  layout: FlowLayout;
  /** The nodes with what the marketer reads (group names, node names) in a language. */
  nodesIn: (locale: Locale) => FlowNode[];
};

/** Picks the marketer-facing text of a template in the UI's language. */
export type Say = (en: string, zh: string) => string;

/** [source, target] for "out", or [source, branch, target]. */
export type EdgeSpec = readonly [string, string] | readonly [string, string, string];

export function defineFlowTemplate(input: {
  id: string;
  name: Localized;
  description: Localized;
  /** Marketer-facing text through `say`; what members read (messages, coupon names) stays as written. */
  nodes: FlowNode[] | ((say: Say) => FlowNode[]);
  edges: EdgeSpec[];
  settings?: Partial<FlowSettings>;
}): FlowTemplate {
  const nodesIn = (locale: Locale) =>
    typeof input.nodes === "function" ? input.nodes((en, zh) => (locale === "zh-CN" ? zh : en)) : input.nodes;
  const edges: FlowEdge[] = input.edges.map((spec) => {
    const [source, branch, target] = spec.length === 2 ? [spec[0], "out", spec[1]] : spec;
    return { id: `e-${source}-${branch}`, source, branch, target };
  });
  const definition: FlowDefinition = {
    nodes: nodesIn("zh-CN"),
    edges,
    settings: { ...defaultFlowSettings(), ...input.settings },
  };
  return { id: input.id, name: input.name, description: input.description, definition, layout: autoLayout(definition), nodesIn };
}

/** All of the given member conditions. */
export const allOf = (...children: ConditionTree["children"]): ConditionTree => ({ type: "group", op: "and", children });

export const memberIn = (field: string, values: string[]): ConditionTree["children"][number] => ({
  type: "rule",
  field,
  operator: "in",
  value: values,
});

/**
 * A template's definition as a new flow gets it, in the marketer's language: a one-time schedule written for a date that has
 * since passed moves on by whole weeks (same weekday, same local time) to the first one at least
 * a day ahead, so a flow made from a template never starts out with a schedule that cannot run.
 */
export function templateDefinition(template: FlowTemplate, { now = new Date(), locale = "zh-CN" }: { now?: Date; locale?: Locale } = {}): FlowDefinition {
  const soonest = now.getTime() + 86_400_000;
  const nodes = template.nodesIn(locale).map((node) => {
    const config = node.config as { schedule?: { mode: string; at?: string } };
    if (node.kind !== "schedule_trigger" || config.schedule?.mode !== "once" || !config.schedule.at) return node;
    const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(config.schedule.at)?.[1] ?? "Z";
    let at = new TZDate(config.schedule.at, offset === "Z" ? "UTC" : offset);
    while (at.getTime() < soonest) at = addWeeks(at, 1);
    return { ...node, config: { ...config, schedule: { ...config.schedule, at: at.toISOString() } } } as FlowNode;
  });
  return { ...template.definition, nodes };
}
