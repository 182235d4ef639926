import type { Executor } from "@/server/engine/executor";

export const execute: Executor<"exit"> = async () => ({ type: "end", reason: "exit_node" });
