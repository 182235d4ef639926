// The audit log in Settings (admins): newest first, searchable, filtered by actor, action and days.
import { createTRPCRouter, permissionProcedure } from "@/server/api/trpc";
import { auditListInput } from "@/server/audit/schemas";
import { listAudit } from "@/server/audit/service";

export const auditRouter = createTRPCRouter({
  list: permissionProcedure("readAudit").input(auditListInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
});
