// Inputs of publish approval (Settings → Publishing needs approval, the request, the decision).
// Pure: the builder's request dialog and the review page check with the same schemas.
import { z } from "zod";
import { text } from "@/server/text";
import { msg } from "@/lib/i18n/schema-messages";

const id = z.string().min(1).max(64);

export const approvalSettingInput = z.object({ publishNeedsApproval: z.boolean() });
export type ApprovalSetting = z.infer<typeof approvalSettingInput>;

/** What a publish carries (the publish dialog's note and its choice for members in flight). */
export const publishChoiceInput = z.object({
  note: text({ max: 500 }).optional(),
  migrate: z.object({ removedNodeTargets: z.record(id, id) }).optional(),
});

export const publishRequestInput = publishChoiceInput.extend({ flowId: id });

export const approveInput = z.object({ requestId: id, comment: text({ max: 1000 }).optional() });

export const rejectInput = z.object({
  requestId: id,
  comment: text({ max: 1000 }).refine((value) => value.length > 0, { error: msg("Say why the request is rejected", "请说明驳回的原因") }),
});

export const requestIdInput = z.object({ requestId: id });
