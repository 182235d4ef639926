// What the live canvas pieces share (the counts provider and the members sheet import it; neither
// imports the other's module for it).
import type { RouterOutputs } from "@/trpc/react";

export type FlowLive = RouterOutputs["flows"]["liveCounts"];

/** How often the canvas asks for fresh figures. */
export const LIVE_REFRESH_MS = 5_000;

/** The node whose members the sheet lists. */
export type MembersTarget = { nodeId: string; name: string };
