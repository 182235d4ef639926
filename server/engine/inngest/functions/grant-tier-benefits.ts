// Hourly at :20: the tier benefits (server/loyalty/tiers/benefit-grants.ts) — each level's monthly
// coupons once per calendar month and its birthday gift on the member's birthday, by the date in
// the program's time zone; a range of members per transaction, each owed coupon issued once.
import { sharedPool } from "@/server/db/sql";
import { grantTierBenefits, type SkippedBenefit } from "@/server/loyalty/tiers/benefit-grants";
import { inngest } from "../client";

/** Ranges of 10,000 member ids per step, and steps per run (1M members: 20 steps). */
const RANGES_PER_STEP = 5;
const MAX_STEPS = 400;

export const grantTierBenefitsRun = inngest.createFunction(
  {
    id: "grant-tier-benefits",
    name: "Grant tier benefits",
    triggers: [{ cron: "20 * * * *" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step, logger }) => {
    // The clock is read once, in a step, so every step (and a retried one) grants for the same day.
    const at = await step.run("clock", () => new Date().toISOString());
    const total = { month: "", year: "", monthly: 0, birthday: 0, refused: 0, skipped: [] as SkippedBenefit[], chunks: 0 };
    let from: number | undefined;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`grant-${n}`, () => grantTierBenefits(sharedPool(), new Date(at), { from, maxRanges: RANGES_PER_STEP }));
      total.month = part.month;
      total.year = part.year;
      total.monthly += part.monthly;
      total.birthday += part.birthday;
      total.refused += part.refused;
      if (n === 0) total.skipped = part.skipped; // the run's answer on which templates could not issue
      total.chunks += part.chunks;
      if (part.next === null) break;
      from = part.next;
    }
    for (const s of total.skipped) logger.warn(`tier ${s.tierId}: ${s.kind} benefit not granted, coupon template ${s.templateId} is ${s.reason.replace("_", " ")}`);
    if (total.refused > 0) logger.warn(`${total.refused} tier benefit coupons refused by the issuer (the template's stock or per-member maximum)`);
    return total;
  },
);
