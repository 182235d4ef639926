// Inputs of the members area, shared by the tRPC router and the pages (no server imports).
import { z } from "zod";

export const MEMBERS_PAGE_SIZE = 25;

export const memberListInput = z.object({
  search: z.string().trim().max(100).optional(),
  tierId: z.string().max(40).optional(),
  city: z.string().max(40).optional(),
  lifecycleStage: z.enum(["new", "active", "silent", "churned"]).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(MEMBERS_PAGE_SIZE),
});
export type MemberListInput = z.input<typeof memberListInput>;

export const memberIdInput = z.object({ id: z.number().int().positive() });
