// Inputs of the tags & badges API — PUBLIC (no server-only imports): the UI's forms use the same schemas.
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";
import { conditionTreeSchema } from "@/server/audiences/condition";
import { rowIdSchema, text } from "@/server/text";

export const tagKinds = ["manual", "rule"] as const;
export type TagKind = (typeof tagKinds)[number];
export const targetSchema = z.enum(["tag", "badge"], { error: msg("Pick a tag or a badge", "请选择标签或徽章") });

const name = text({ max: 40, min: 1 });
const kindFields = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("manual") }),
  z.object({ kind: z.literal("rule"), condition: conditionTreeSchema }),
]);

/** A new tag: manual (people, imports and flows set it) or a rule (a condition, evaluated). */
export const tagCreateInput = z.intersection(
  z.object({ name, category: text({ max: 40 }).default("general"), color: z.string().regex(/^[a-z]{3,12}$/).default("slate") }),
  kindFields,
);
export const badgeCreateInput = z.intersection(
  z.object({ name, description: text({ max: 200 }).default(""), icon: z.string().regex(/^[A-Za-z]{2,40}$/).default("Award") }),
  kindFields,
);
/** A rule's new condition (a rule tag or rule badge). */
export const ruleSaveInput = z.object({ target: targetSchema, id: rowIdSchema, condition: conditionTreeSchema });
export const ruleRefInput = z.object({ target: targetSchema, id: rowIdSchema });

/** A bulk change on an audience: add or remove a manual tag, or grant a badge. */
export const tagJobInput = z
  .object({
    target: targetSchema,
    id: rowIdSchema,
    action: z.enum(["add", "remove"], { error: msg("Pick add or remove", "请选择添加或移除") }),
    audienceId: z.string().min(1, { error: msg("Pick an audience", "请选择人群") }).max(64),
  })
  .refine((j) => j.target === "tag" || j.action === "add", {
    error: msg("A badge is only ever granted, never taken away", "徽章只能授予，不能收回"),
    path: ["action"],
  });
export const tagJobIdInput = z.object({ jobId: z.number().int().positive() });
export const ruleRunsInput = z.object({ target: targetSchema, id: rowIdSchema, limit: z.number().int().min(1).max(100).default(20) });
export const ruleRunMembersInput = z.object({ runId: z.number().int().positive(), action: z.enum(["add", "remove"]), limit: z.number().int().min(1).max(200).default(50) });
export const memberTagsInput = z.object({ memberId: rowIdSchema, limit: z.number().int().min(1).max(200).default(50) });

export type TagJobStatus = "pending" | "running" | "done" | "failed";
export type TagJobView = {
  id: number;
  target: "tag" | "badge";
  targetId: number;
  targetName: string;
  action: "add" | "remove";
  audienceId: string;
  audienceName: string;
  status: TagJobStatus;
  total: number;
  done: number;
  changed: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};
export type RuleRunView = { id: number; cause: string; entered: number; left: number; startedAt: Date; finishedAt: Date | null };
export type TagRow = {
  id: number;
  name: string;
  category: string;
  color: string;
  kind: TagKind;
  condition: z.infer<typeof conditionTreeSchema> | null;
  members: number;
  lastRun: RuleRunView | null;
};
export type BadgeRow = Omit<TagRow, "category" | "color"> & { description: string; icon: string };
export type MemberTagHistory = {
  tags: { id: number; name: string; category: string; kind: TagKind; source: string; since: Date }[];
  badges: { id: number; name: string; icon: string; source: string; awardedAt: Date }[];
  history: { id: number; action: "add" | "remove"; tags: string[]; cause: "flow" | "job" | "rule"; flowId: string | null; jobId: number | null; ruleRunId: number | null; at: Date }[];
};
