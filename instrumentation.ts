// Runs once when the server starts (Next.js instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ db }, { warmRadar }] = await Promise.all([import("@/server/db"), import("@/server/analytics/radar")]);
  // The radar's per-member snapshot, read ahead of the first question; a failure only means the
  // first question reads it.
  warmRadar(db).catch((error: unknown) => console.error(`[memberflow] insights snapshot not read at start: ${String(error)}`));
}
