// Every Inngest function the app serves at /api/inngest; add new ones here. The engine's are a
// fixed set (flows are data): a minute tick, one run per trigger occurrence, batched event
// ingestion, the wait sweeper and the sender (README "How flows run").
import { deliverOutboxRun } from "./deliver-outbox";
import { engineTick } from "./engine-tick";
import { evaluateLifecycleRun } from "./evaluate-lifecycle";
import { expirePointsRun } from "./expire-points";
import { ingestEventsBatch } from "./ingest-events";
import { refreshInsightsRun } from "./refresh-insights";
import { refreshMemberStatsHourly } from "./refresh-member-stats";
import { runOccurrence } from "./run-occurrence";
import { sweepWaits } from "./sweep-waits";

export const inngestFunctions = [engineTick, runOccurrence, ingestEventsBatch, sweepWaits, deliverOutboxRun, refreshMemberStatsHourly, expirePointsRun, refreshInsightsRun, evaluateLifecycleRun];
