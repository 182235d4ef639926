// Filters of the audit log list (Settings → Audit log). Pure: the page's form uses them too.
import { z } from "zod";
import { text } from "@/server/text";

const day = text({ max: 10 }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: "A date as YYYY-MM-DD" });

export const auditListInput = z.object({
  /** Words found in the action, the entity or its details. */
  q: text({ max: 200 }).optional(),
  actor: text({ max: 254 }).optional(),
  action: text({ max: 100 }).optional(),
  /** Days in UTC, both included. */
  from: day.optional(),
  to: day.optional(),
  /** The id of the last entry of the previous page. */
  cursor: z.string().regex(/^\d{1,18}$/, { error: "Not an entry id" }).optional(),
  limit: z.number().int({ error: "Must be a whole number" }).min(1, { error: "At least 1" }).max(200, { error: "At most 200" }).default(50),
});
export type AuditListInput = z.input<typeof auditListInput>;

export type AuditEntry = {
  id: string;
  at: Date;
  actor: string;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  details: unknown;
};
