// One inspector per node kind. A Record over NodeKind: a kind without an inspector fails the type check.
// Each inspector is its own chunk, loaded when a node of its kind is first selected (or preloaded
// once the canvas is idle): the editor opens without the forms, the audience condition editor,
// the cron libraries… that only an open inspector needs.
import { useEffect, useSyncExternalStore, type ComponentType } from "react";

import type { NodeKind } from "@/server/flows/kinds";
import type { InspectorProps } from "./fields";

export type InspectorComponent = ComponentType<InspectorProps>;

const loaders: Record<NodeKind, () => Promise<InspectorComponent>> = {
  schedule_trigger: () => import("./schedule_trigger/inspector").then((m) => m.ScheduleTriggerInspector),
  event_trigger: () => import("./event_trigger/inspector").then((m) => m.EventTriggerInspector),
  date_trigger: () => import("./date_trigger/inspector").then((m) => m.DateTriggerInspector),
  audience_trigger: () => import("./audience_trigger/inspector").then((m) => m.AudienceTriggerInspector),
  manual_trigger: () => import("./manual_trigger/inspector").then((m) => m.ManualTriggerInspector),
  split: () => import("./split/inspector").then((m) => m.SplitInspector),
  random_split: () => import("./random_split/inspector").then((m) => m.RandomSplitInspector),
  issue_coupon: () => import("./issue_coupon/inspector").then((m) => m.IssueCouponInspector),
  member_price: () => import("./member_price/inspector").then((m) => m.MemberPriceInspector),
  send_notification: () => import("./send_notification/inspector").then((m) => m.SendNotificationInspector),
  show_banner: () => import("./show_banner/inspector").then((m) => m.ShowBannerInspector),
  tag: () => import("./tag/inspector").then((m) => m.TagInspector),
  points: () => import("./points/inspector").then((m) => m.PointsInspector),
  webhook: () => import("./webhook/inspector").then((m) => m.WebhookInspector),
  delay: () => import("./delay/inspector").then((m) => m.DelayInspector),
  wait_until: () => import("./wait_until/inspector").then((m) => m.WaitUntilInspector),
  wait_for_response: () => import("./wait_for_response/inspector").then((m) => m.WaitForResponseInspector),
  exit: () => import("./exit/inspector").then((m) => m.ExitInspector),
};

const loading = new Map<NodeKind, Promise<InspectorComponent>>();
const ready = new Map<NodeKind, InspectorComponent>();
const listeners = new Set<() => void>();

/** Starts (once) loading a kind's inspector; safe to call ahead of time. A failed load is retried next time. */
export function preloadInspector(kind: NodeKind): Promise<InspectorComponent> {
  let promise = loading.get(kind);
  if (!promise) {
    promise = loaders[kind]().then(
      (component) => {
        ready.set(kind, component);
        for (const listener of listeners) listener();
        return component;
      },
      (error: unknown) => {
        loading.delete(kind);
        throw error;
      },
    );
    loading.set(kind, promise);
  }
  return promise;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * The kind's inspector, or null while its chunk loads (the load starts here if it has not yet).
 * Deliberately not React.lazy: a lazy component suspends on first render even when preloaded, and
 * React then holds the fallback for its reveal throttle (~300 ms) before showing the form.
 */
export function useInspector(kind: NodeKind | null): InspectorComponent | null {
  const component = useSyncExternalStore(
    subscribe,
    () => (kind ? (ready.get(kind) ?? null) : null),
    () => null,
  );
  useEffect(() => {
    if (kind && !ready.has(kind)) void preloadInspector(kind).catch(() => undefined);
  }, [kind]);
  return component;
}
