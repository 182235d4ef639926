import type { Executor } from "@/server/engine/executor";

// Who enters is decided at entry (server/engine/triggers.ts); at the trigger node itself every
// member who entered moves on.
export const execute: Executor<"manual_trigger"> = async () => ({ type: "branch", branch: "out" });
