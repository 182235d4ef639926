// Every Inngest function the app serves at /api/inngest; add new ones here. The engine's are a
// fixed set (flows are data): a minute tick, one run per trigger occurrence, batched event
// ingestion, the wait sweeper and the sender (README "How flows run").
import { deliverOutboxRun } from "./deliver-outbox";
import { engineTick } from "./engine-tick";
import { evaluateLifecycleRun } from "./evaluate-lifecycle";
import { evaluateRulesRun } from "./evaluate-rules";
import { expirePointsRun } from "./expire-points";
import { evaluateTiersRun } from "./evaluate-tiers";
import { grantTierBenefitsRun } from "./grant-tier-benefits";
import { ingestEventsBatch } from "./ingest-events";
import { refreshInsightsRun } from "./refresh-insights";
import { refreshMemberStatsHourly } from "./refresh-member-stats";
import { remindExpiringPointsRun } from "./remind-expiring-points";
import { runOccurrence } from "./run-occurrence";
import { sweepWaits } from "./sweep-waits";
import { runTagJobsRun } from "./tag-jobs";

export const inngestFunctions = [
  engineTick,
  runOccurrence,
  ingestEventsBatch,
  sweepWaits,
  deliverOutboxRun,
  refreshMemberStatsHourly,
  expirePointsRun,
  remindExpiringPointsRun,
  refreshInsightsRun,
  runTagJobsRun,
  evaluateRulesRun,
  evaluateTiersRun,
  grantTierBenefitsRun,
  evaluateLifecycleRun,
];
