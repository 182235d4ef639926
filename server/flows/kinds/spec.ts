// The contract every node kind module fulfils. Pure: shared by the canvas, the validator,
// the engine and the API, so nothing here may import server-only code or React.
import type { z } from "zod";
import type { Locale, Localized } from "@/lib/i18n/locale";

export type { Locale, Localized };

export type NodeCategory = "trigger" | "group" | "action" | "wait" | "exit";

/** A named outgoing handle of a node: "out", a split group id, "else", "responded", … */
export type BranchSpec = { id: string; label: Localized };

/** Ids a node points at outside the flow, so the validator can flag missing ones. */
export type NodeReferences = {
  couponTemplateIds: string[];
  audienceIds: string[];
  notificationTemplateIds: string[];
  priceListIds: string[];
  bannerCreativeIds: string[];
};

export const noReferences = (): NodeReferences => ({
  couponTemplateIds: [],
  audienceIds: [],
  notificationTemplateIds: [],
  priceListIds: [],
  bannerCreativeIds: [],
});

/** What a kind's own semantic check may ask about the rest of the flow. */
export type KindCheckContext = {
  /** The kind of the node with this id, or undefined when there is no such node. */
  nodeKind(id: string): string | undefined;
  /** The time the flow is checked at (a publish now), for checks that depend on it. */
  now: Date;
};

/** Names of what a node points at, when the caller knows them (the canvas does). */
export type ReferenceNames = {
  couponTemplate(id: string): string | undefined;
  audience(id: string): string | undefined;
  notificationTemplate(id: string): string | undefined;
  priceList(id: string): string | undefined;
  bannerCreative(id: string): string | undefined;
};

/** A problem a kind finds in a config that parsed; the validator attaches the node id. */
export type KindIssue = {
  code: string;
  severity: "error" | "warning";
  message: Localized;
  /** Path inside the config, e.g. ["buckets", 0, "percent"]. */
  path?: (string | number)[];
};

export interface NodeKindSpec<K extends string = string, C = unknown> {
  readonly kind: K;
  readonly category: NodeCategory;
  readonly label: Localized;
  readonly description: Localized;
  /** A lucide-react icon name, resolved by the canvas (keeps React out of this module). */
  readonly icon: string;
  readonly configSchema: z.ZodType<C>;
  /** The config a node starts with when dropped on the canvas. */
  defaults(): C;
  /** Outgoing handles, in display order. */
  branches(config: C): BranchSpec[];
  /** Short text drawn on the node; names the coupon, audience… it points at when `names` knows them. */
  summary(config: C, locale: Locale, names?: ReferenceNames): string;
  /** Waits hold members over time; every cycle in a flow must pass through one. */
  readonly isWait: boolean;
  references(config: C): NodeReferences;
  /** Semantic checks the schema cannot express (e.g. they need the rest of the flow). */
  check(config: C, flow: KindCheckContext): KindIssue[];
  /**
   * Kinds that must come before this node on every path from a trigger (e.g. a message quoting
   * {{coupon.code}} needs a coupon issued first); the validator warns about paths without one.
   */
  needsUpstream(config: C): string[];
}

type NodeKindInput<K extends string, C> = {
  kind: K;
  category: NodeCategory;
  label: Localized;
  description: Localized;
  icon: string;
  configSchema: z.ZodType<C>;
  defaults: () => C;
  branches?: (config: C) => BranchSpec[];
  summary: (config: C, locale: Locale, names?: ReferenceNames) => string;
  isWait?: boolean;
  references?: (config: C) => NodeReferences;
  check?: (config: C, flow: KindCheckContext) => KindIssue[];
  needsUpstream?: (config: C) => string[];
};

export const outBranch: BranchSpec = { id: "out", label: { en: "Next", "zh-CN": "下一步" } };

/** Fills the defaults most kinds share: one "out" branch, no references, no extra checks. */
export function defineNodeKind<const K extends string, C>(input: NodeKindInput<K, C>): NodeKindSpec<K, C> {
  const branches =
    input.branches ?? (input.category === "exit" ? () => [] : () => [outBranch]);
  return {
    kind: input.kind,
    category: input.category,
    label: input.label,
    description: input.description,
    icon: input.icon,
    configSchema: input.configSchema,
    defaults: input.defaults,
    branches,
    summary: input.summary,
    isWait: input.isWait ?? input.category === "wait",
    references: input.references ?? noReferences,
    check: input.check ?? (() => []),
    needsUpstream: input.needsUpstream ?? (() => []),
  };
}

/** Picks the text for a locale. */
export const pick = (text: Localized, locale: Locale): string => text[locale];
