// Every minute: the open bulk tag jobs (server/loyalty/tags/jobs.ts), a few member ranges per step
// (each range one transaction, the job's cursor moved with it), so a retried step repeats nothing.
import { sharedPool } from "@/server/db/sql";
import { runTagJobs } from "@/server/loyalty/tags/jobs";
import { inngest } from "../client";

const CHUNKS_PER_STEP = 5;
const MAX_STEPS = 200;

export const runTagJobsRun = inngest.createFunction(
  {
    id: "run-tag-jobs",
    name: "Run bulk tag jobs",
    triggers: [{ cron: "* * * * *" }, { event: "memberflow/tag-jobs.run" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    let chunks = 0;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`jobs-${n}`, () => runTagJobs(sharedPool(), { maxChunks: CHUNKS_PER_STEP }));
      chunks += part.chunks;
      if (!part.open) break;
    }
    return { chunks };
  },
);
