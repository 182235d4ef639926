// Published flow versions are immutable JSON written in the definition format of their day.
// They are read through here: each kind may list upgrades of its config, so a later change to a
// kind's config never breaks a version that members are still travelling through.
import { flowDefinitionSchema, type FlowDefinition } from "./definition";
import { upgradeMemberPriceV1 } from "./kinds/member_price/spec";
import { upgradeShowBannerV1 } from "./kinds/show_banner/spec";

/**
 * The definition format written today; stored with each version (flow_versions.definition_schema)
 * and each flow file (formatVersion). 2: member prices and banners pick from the library or
 * describe one inline ({ list } / { banner }).
 */
export const CURRENT_DEFINITION_SCHEMA = 2;

/** A kind's config upgrade from format `from` to `from + 1`. */
export type ConfigUpgrade = { from: number; upgrade: (config: unknown) => unknown };

/** Per kind, the upgrades of its config since format 1. */
export const configUpgrades: Record<string, ConfigUpgrade[]> = {
  member_price: [{ from: 1, upgrade: upgradeMemberPriceV1 }],
  show_banner: [{ from: 1, upgrade: upgradeShowBannerV1 }],
};

/** A definition of an older format with each node's config upgraded; not yet parsed (drafts may be unfinished). */
export function upgradeDefinition<T>(json: T, storedSchema: number, upgrades: Record<string, ConfigUpgrade[]> = configUpgrades): T {
  if (storedSchema > CURRENT_DEFINITION_SCHEMA) {
    throw new Error(`flow definition format ${storedSchema} is newer than this server (${CURRENT_DEFINITION_SCHEMA})`);
  }
  const raw = json as { nodes?: { kind?: string; config?: unknown }[] };
  const nodes = (raw.nodes ?? []).map((node) => {
    let config = node.config;
    for (const step of upgrades[node.kind ?? ""] ?? []) if (step.from >= storedSchema) config = step.upgrade(config);
    return { ...node, config };
  });
  return { ...raw, nodes } as T;
}

/** A stored definition, upgraded to today's format and parsed with today's schema. */
export function readStoredDefinition(
  json: unknown,
  storedSchema: number,
  upgrades: Record<string, ConfigUpgrade[]> = configUpgrades,
): FlowDefinition {
  return flowDefinitionSchema.parse(upgradeDefinition(json, storedSchema, upgrades)) as FlowDefinition;
}
