// The public registry of node kinds. Adding a kind = one module + one line here.
import type { Localized, NodeKindSpec } from "./spec";
import { scheduleTrigger } from "./schedule_trigger/spec";
import { eventTrigger } from "./event_trigger/spec";
import { dateTrigger } from "./date_trigger/spec";
import { audienceTrigger } from "./audience_trigger/spec";
import { manualTrigger } from "./manual_trigger/spec";
import { split } from "./split/spec";
import { randomSplit } from "./random_split/spec";
import { issueCoupon } from "./issue_coupon/spec";
import { memberPrice } from "./member_price/spec";
import { sendNotification } from "./send_notification/spec";
import { showBanner } from "./show_banner/spec";
import { tag } from "./tag/spec";
import { points } from "./points/spec";
import { webhook } from "./webhook/spec";
import { delay } from "./delay/spec";
import { waitUntil } from "./wait_until/spec";
import { waitForResponse } from "./wait_for_response/spec";
import { exit } from "./exit/spec";

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
