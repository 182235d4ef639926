// Published flow versions are immutable JSON written in the definition format of their day.
// They are read through here: each kind may list upgrades of its config, so a later change to a
// kind's config never breaks a version that members are still travelling through.
import { flowDefinitionSchema, type FlowDefinition } from "./definition";

/** The definition format written today; stored with each version (flow_versions.definition_schema). */
export const CURRENT_DEFINITION_SCHEMA = 1;

/** A kind's config upgrade from format `from` to `from + 1`. */
export type ConfigUpgrade = { from: number; upgrade: (config: unknown) => unknown };

/** Per kind, the upgrades of its config since format 1 (none yet). */
export const configUpgrades: Record<string, ConfigUpgrade[]> = {};

/** A stored definition, upgraded to today's format and parsed with today's schema. */
export function readStoredDefinition(
  json: unknown,
  storedSchema: number,
  upgrades: Record<string, ConfigUpgrade[]> = configUpgrades,
): FlowDefinition {
  if (storedSchema > CURRENT_DEFINITION_SCHEMA) {
    throw new Error(`flow definition format ${storedSchema} is newer than this server (${CURRENT_DEFINITION_SCHEMA})`);
  }
  const raw = json as { nodes?: { kind?: string; config?: unknown }[] };
  const nodes = (raw.nodes ?? []).map((node) => {
    let config = node.config;
    for (const step of upgrades[node.kind ?? ""] ?? []) if (step.from >= storedSchema) config = step.upgrade(config);
    return { ...node, config };
  });
  return flowDefinitionSchema.parse({ ...raw, nodes }) as FlowDefinition;
}
