// The executable flow definition: what is versioned, validated, published and run.
// Canvas positions live apart from it (see canvas.ts). Pure: safe in the browser.
import { z } from "zod";
import { nodeKinds } from "./kinds";
import type { NodeConfig, NodeKind } from "./kinds";
import type { Channel } from "./kinds/shared";
import { eventNameSchema, msg, propertyConditionSchema, timeOfDaySchema, timezoneSchema } from "./kinds/shared";

export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: msg("Use 1–64 letters, digits, - or _ for a node id", "节点 id 须为 1–64 位字母、数字、- 或 _") });

export const visitLimitSchema = z
  .number({ error: msg("Enter a visit limit", "请输入访问次数上限") })
  .int({ error: msg("Use a whole number of visits", "访问次数须为整数") })
  .min(1, { error: msg("At least 1 visit", "至少 1 次") })
  .max(100, { error: msg("At most 100 visits", "最多 100 次") });

export const nodeNameSchema = z.string().max(60, { error: msg("At most 60 characters", "最多 60 个字符") });

/** A node of one kind. `id` is stable across versions: migrations map members by it. */
export type FlowNodeOf<K extends NodeKind> = {
  id: string;
  kind: K;
  config: NodeConfig<K>;
  name?: string;
  /** Per-member limit on entering this node; required on nodes inside a loop. */
  visitLimit?: number;
};
export type FlowNode = { [K in NodeKind]: FlowNodeOf<K> }[NodeKind];

const nodeSchemaOptions = nodeKinds.map((spec) =>
  z.object({
    id: nodeIdSchema,
    kind: z.literal(spec.kind),
    config: spec.configSchema,
    name: nodeNameSchema.optional(),
    visitLimit: visitLimitSchema.optional(),
  }),
);

export const flowNodeSchema = z.discriminatedUnion(
  "kind",
  nodeSchemaOptions as [(typeof nodeSchemaOptions)[number], ...(typeof nodeSchemaOptions)[number][]],
  { error: msg("Unknown node kind", "未知的节点类型") },
) as unknown as z.ZodType<FlowNode>;

/** `branch` names the source's handle: "out", a split group id, "else", "control", "responded", "timeout". */
export const flowEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  branch: z.string().min(1),
  target: z.string().min(1),
});
export type FlowEdge = z.infer<typeof flowEdgeSchema>;

const frequencyCapSchema = z.object({
  max: z.number().int().min(1, { error: msg("At least 1 message", "至少 1 条") }).max(100, { error: msg("At most 100 messages", "最多 100 条") }),
  days: z.number().int().min(1, { error: msg("At least 1 day", "至少 1 天") }).max(365, { error: msg("At most 365 days", "最多 365 天") }),
});
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;

const perMinuteSchema = z
  .number()
  .int({ error: msg("Use a whole number per minute", "每分钟数量须为整数") })
  .min(1, { error: msg("At least 1 per minute", "每分钟至少 1 条") })
  .max(100_000, { error: msg("At most 100,000 per minute", "每分钟最多 100,000 条") });

const perChannel = <T extends z.ZodType>(schema: T) =>
  z.object({
    sms: schema.optional(),
    email: schema.optional(),
    push: schema.optional(),
    in_app: schema.optional(),
    webhook: schema.optional(),
  });

const daysSchema = (max: number) =>
  z
    .number({ error: msg("Enter a number of days", "请输入天数") })
    .int({ error: msg("Use a whole number of days", "请输入整数天数") })
    .min(1, { error: msg("At least 1 day", "至少 1 天") })
    .max(max, { error: msg(`At most ${max} days`, `最多 ${max} 天`) });

export const flowSettingsSchema = z.object({
  /** Times of day in waits and date triggers are read in this zone. */
  timezone: timezoneSchema,
  reEntry: z.discriminatedUnion(
    "mode",
    [
      z.object({ mode: z.literal("once") }),
      z.object({ mode: z.literal("after_exit") }),
      z.object({ mode: z.literal("cooldown"), days: daysSchema(3650) }),
    ],
    { error: msg("Choose once, after exit, or after a cooldown", "请选择仅一次、离开后可再进入或冷却期后再进入") },
  ),
  /** Per member: at most `max` messages per `days` on a channel, across this flow. */
  frequencyCaps: perChannel(frequencyCapSchema),
  /** Messages due in quiet hours are deferred to the end, spread out, never dropped. */
  quietHours: z
    .object({ start: timeOfDaySchema, end: timeOfDaySchema })
    .refine((q) => q.start !== q.end, { error: msg("Start and end must differ", "开始与结束时间不能相同"), path: ["end"] })
    .nullable(),
  /** Sends per minute per channel, across all members of this flow. */
  sendRateLimits: perChannel(perMinuteSchema),
  /** Reaching the goal takes a member out of the flow at once and counts as a conversion. */
  goal: z
    .object({
      event: eventNameSchema,
      conditions: z.array(propertyConditionSchema).max(20),
      windowDays: daysSchema(365),
    })
    .nullable(),
  /** Orders within this many days of a member's last message are attributed to the flow. */
  conversionWindowDays: daysSchema(365),
});
export type FlowSettings = z.infer<typeof flowSettingsSchema>;
export type { Channel };

export const flowDefinitionSchema = z.object({
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema),
  settings: flowSettingsSchema,
});
export type FlowDefinition = { nodes: FlowNode[]; edges: FlowEdge[]; settings: FlowSettings };

/** A node while it is being edited: the kind may be unknown and the config incomplete. */
export type FlowDraftNode = { id: string; kind: string; config: unknown; name?: string; visitLimit?: number };
export type FlowDraft = { nodes: FlowDraftNode[]; edges: FlowEdge[]; settings: FlowSettings };

/** Drafts are saved half-finished; only their shape is enforced. `validateFlow` says what is missing. */
export const flowDraftSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.string().min(1),
      kind: z.string().min(1),
      config: z.unknown(),
      name: z.string().optional(),
      visitLimit: z.number().optional(),
    }),
  ),
  edges: z.array(flowEdgeSchema),
  settings: flowSettingsSchema,
}) as unknown as z.ZodType<FlowDraft>;

export const defaultFlowSettings = (): FlowSettings => ({
  timezone: "Asia/Shanghai",
  reEntry: { mode: "once" },
  frequencyCaps: { sms: { max: 2, days: 7 }, push: { max: 3, days: 7 } },
  quietHours: { start: "22:00", end: "08:00" },
  sendRateLimits: {},
  goal: null,
  conversionWindowDays: 7,
});

export const emptyFlowDefinition = (): FlowDefinition => ({ nodes: [], edges: [], settings: defaultFlowSettings() });
