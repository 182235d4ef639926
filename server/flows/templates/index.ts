// Ready-made flows from the seeds' lifecycle playbooks, plus the seed's own targeted plan.
import type { FlowTemplate } from "./template";
import { welcomeNewMembers } from "./welcome-new-members";
import { wakeSilentMembers } from "./wake-silent-members";
import { winBackChurned } from "./win-back-churned";
import { birthdayGift } from "./birthday-gift";
import { pointsExpiring } from "./points-expiring";
import { tierUpgrade } from "./tier-upgrade";
import { targetedPlan } from "./targeted-plan";

export type { FlowTemplate } from "./template";
export { templateDefinition } from "./template";

export const flowTemplates: readonly FlowTemplate[] = [
  targetedPlan,
  welcomeNewMembers,
  wakeSilentMembers,
  winBackChurned,
  birthdayGift,
  pointsExpiring,
  tierUpgrade,
];

export const findFlowTemplate = (id: string): FlowTemplate | undefined => flowTemplates.find((t) => t.id === id);
