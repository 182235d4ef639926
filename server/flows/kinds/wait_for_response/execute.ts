// Server-only (the lint rule keeps components/ away from execute.ts files).
import type { Executor, WaitMatch } from "@/server/engine/executor";
import { durationMinutes } from "../shared";
import type { ResponseEvent } from "./spec";

/** The event a response wait listens for, and how ingestion recognises it (server/engine/waits.ts). */
export function responseListener(event: ResponseEvent): { name: string; match: WaitMatch } {
  switch (event.type) {
    case "coupon.redeemed":
      return { name: "coupon.redeemed", match: { conditions: [], source: { table: "coupons", nodeId: event.sourceNodeId, property: "couponId" } } };
    case "notification.opened":
    case "notification.clicked":
      return { name: event.type, match: { conditions: [], source: { table: "notifications", nodeId: event.sourceNodeId, property: "notificationId" } } };
    case "banner.clicked":
      return { name: "banner.clicked", match: { conditions: [], source: { table: "banners", nodeId: event.sourceNodeId, property: "bannerId" } } };
    case "order.placed":
      return { name: "order.placed", match: { conditions: event.conditions } };
    case "custom":
      return { name: event.name, match: { conditions: event.conditions } };
  }
}

export const execute: Executor<"wait_for_response"> = async ({ node, now }) => ({
  type: "wait",
  wait: {
    until: new Date(now.getTime() + durationMinutes(node.config.window) * 60_000),
    event: responseListener(node.config.event),
    onDeadline: "timeout",
  },
});
