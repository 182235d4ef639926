// Every Inngest function the app serves at /api/inngest; add new ones here.
import { refreshMemberStatsNightly } from "./refresh-member-stats";

export const inngestFunctions = [refreshMemberStatsNightly];
