// Demo flows a newcomer's first `npm run dev` publishes on the demo data, so the engine is seen
// working at once: coupons on member pages, members waiting for a response, messages in the
// local outbox. Published only into a database that has no flows yet.
import type { PrismaClient } from "@prisma/client";
import { flowDraft, inlineCoupon, publishDraft, sms } from "@/server/flows/build";

const lifecycle = (stage: string) => ({ type: "group", op: "and", children: [{ type: "rule", field: "lifecycle_stage", operator: "in", value: [stage] }] });

export async function publishDemoFlows(db: PrismaClient, now = new Date()): Promise<string[]> {
  if ((await db.flow.count()) > 0) return [];
  const wakeSilent = flowDraft(
    [
      {
        id: "start",
        kind: "schedule_trigger",
        name: "Silent members, now",
        config: { schedule: { mode: "once", at: new Date(now.getTime() + 30_000).toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "conditions", conditions: lifecycle("silent") } },
      },
      { id: "coupon", kind: "issue_coupon", name: "¥30 comeback coupon", config: inlineCoupon(30, 14) },
      { id: "sms", kind: "send_notification", name: "Tell them", config: sms("{{member.name}}，好久不见！送您 {{coupon.value}} 元券，券码 {{coupon.code}}，{{coupon.validTo}} 前有效。") },
      { id: "wait", kind: "wait_for_response", name: "Redeemed within 7 days?", config: { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 7, unit: "days" } } },
      { id: "thanks", kind: "points", name: "Thank-you points", config: { action: "award", amount: 200, reason: "回归奖励" } },
      { id: "remind", kind: "send_notification", name: "Reminder", config: { channel: "in_app", content: { mode: "inline", title: "您的优惠券即将过期", body: "{{member.name}}，券码 {{coupon.code}} 还未使用哦。" } } },
      { id: "won", kind: "exit", name: "Came back", config: {} },
      { id: "reminded", kind: "exit", name: "Reminded", config: {} },
    ],
    ["start>coupon", "coupon>sms", "sms>wait", "wait:responded>thanks", "wait:timeout>remind", "thanks>won", "remind>reminded"],
    { goal: null, quietHours: null },
  );
  const thankOrders = flowDraft(
    [
      { id: "start", kind: "event_trigger", name: "Big order", config: { event: "order.placed", conditions: [{ path: "amount", operator: "gte", value: 300 }] } },
      { id: "points", kind: "points", name: "Bonus points", config: { action: "award", amount: 100, reason: "大额订单奖励" } },
      { id: "tag", kind: "tag", name: "Big spender", config: { action: "add", tags: ["大额订单"] } },
      { id: "done", kind: "exit", name: "Thanked", config: {} },
    ],
    ["start>points", "points>tag", "tag>done"],
    { reEntry: { mode: "after_exit" } },
  );
  const a = await publishDraft(db, "Demo · Wake silent members with a coupon", wakeSilent);
  const b = await publishDraft(db, "Demo · Reward big orders", thankOrders);
  return [a.flowId, b.flowId];
}
