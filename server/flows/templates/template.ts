// A flow template is a ready-made flow the marketer starts from. Coupon templates are described
// inline; the importer creates or remaps them.
import type { Localized } from "../kinds/spec";
import { autoLayout } from "../layout";
import type { FlowLayout } from "../canvas";
import { defaultFlowSettings } from "../definition";
import type { FlowDefinition, FlowEdge, FlowNode, FlowSettings } from "../definition";
import type { ConditionTree } from "@/server/audiences/condition";

export type FlowTemplate = {
  id: string;
  name: Localized;
  description: Localized;
  definition: FlowDefinition;
  layout: FlowLayout;
};

/** [source, target] for "out", or [source, branch, target]. */
export type EdgeSpec = readonly [string, string] | readonly [string, string, string];

export function defineFlowTemplate(input: {
  id: string;
  name: Localized;
  description: Localized;
  nodes: FlowNode[];
  edges: EdgeSpec[];
  settings?: Partial<FlowSettings>;
}): FlowTemplate {
  const edges: FlowEdge[] = input.edges.map((spec) => {
    const [source, branch, target] = spec.length === 2 ? [spec[0], "out", spec[1]] : spec;
    return { id: `e-${source}-${branch}`, source, branch, target };
  });
  const definition: FlowDefinition = {
    nodes: input.nodes,
    edges,
    settings: { ...defaultFlowSettings(), ...input.settings },
  };
  return { id: input.id, name: input.name, description: input.description, definition, layout: autoLayout(definition) };
}

/** All of the given member conditions. */
export const allOf = (...children: ConditionTree["children"]): ConditionTree => ({ type: "group", op: "and", children });

export const memberIn = (field: string, values: string[]): ConditionTree["children"][number] => ({
  type: "rule",
  field,
  operator: "in",
  value: values,
});
