// The public registry of node kinds. Adding a kind = one module + one line here.
import type { Localized, NodeKindSpec } from "./spec";
import { scheduleTrigger } from "./schedule_trigger";
import { eventTrigger } from "./event_trigger";
import { dateTrigger } from "./date_trigger";
import { audienceTrigger } from "./audience_trigger";
import { manualTrigger } from "./manual_trigger";
import { split } from "./split";
import { randomSplit } from "./random_split";
import { issueCoupon } from "./issue_coupon";
import { memberPrice } from "./member_price";
import { sendNotification } from "./send_notification";
import { showBanner } from "./show_banner";
import { tag } from "./tag";
import { points } from "./points";
import { webhook } from "./webhook";
import { delay } from "./delay";
import { waitUntil } from "./wait_until";
import { waitForResponse } from "./wait_for_response";
import { exit } from "./exit";

/** In palette order. */
export const nodeKinds = [
  scheduleTrigger,
  eventTrigger,
  dateTrigger,
  audienceTrigger,
  manualTrigger,
  split,
  randomSplit,
  issueCoupon,
  memberPrice,
  sendNotification,
  showBanner,
  tag,
  points,
  webhook,
  delay,
  waitUntil,
  waitForResponse,
  exit,
] as const;

type AnySpec = (typeof nodeKinds)[number];
export type NodeKind = AnySpec["kind"];
export type NodeKindSpecOf<K extends NodeKind> = Extract<AnySpec, { kind: K }>;
export type NodeConfig<K extends NodeKind> = NodeKindSpecOf<K> extends NodeKindSpec<K, infer C> ? C : never;

/** A spec seen from generic code (validator, canvas): config is checked before methods are called. */
export type UnknownNodeKindSpec = NodeKindSpec<string, unknown>;

const byKind = new Map<string, UnknownNodeKindSpec>(
  nodeKinds.map((spec) => [spec.kind, spec as unknown as UnknownNodeKindSpec]),
);

export function nodeKindSpec<K extends NodeKind>(kind: K): NodeKindSpecOf<K> {
  return byKind.get(kind) as unknown as NodeKindSpecOf<K>;
}

/** For kinds read from untrusted JSON (drafts, imports). */
export function findNodeKindSpec(kind: string): UnknownNodeKindSpec | undefined {
  return byKind.get(kind);
}

export const isNodeKind = (kind: string): kind is NodeKind => byKind.has(kind);

/** A node as the marketer knows it: its name, else its kind and id ("Delay · delay-2"). */
export function nodeTitle(node: { id: string; kind: string; name?: string }): Localized {
  if (node.name) return { en: node.name, "zh-CN": node.name };
  const label = byKind.get(node.kind)?.label ?? { en: node.kind, "zh-CN": node.kind };
  return { en: `${label.en} · ${node.id}`, "zh-CN": `${label["zh-CN"]} · ${node.id}` };
}

export type { NodeKindSpec, NodeCategory, BranchSpec, Localized, Locale, NodeReferences } from "./spec";
