// Where an uploaded banner image is served, and the one rule for the address an issued banner
// carries: the creative's external https image, or the public address of its upload. Issued
// banners store the full address, since storefronts load it from their own origin.
import { raw, sql, type Sql } from "@/server/db/sql";

/** The app route serving uploaded images (app/api/content/images/[id]). */
export const IMAGE_ROUTE = "/api/content/images";

/** The origin storefronts reach this app at (MEMBERFLOW_PUBLIC_URL), without a trailing slash. */
export function publicOrigin(): string {
  return (process.env.MEMBERFLOW_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
}

/** The image address of creative `c` (a creative row or alias), in SQL. */
export const creativeImageUrlSql = (alias: string): Sql => {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an alias: ${alias}`);
  const c = raw(alias);
  return sql`coalesce(${c}.image_url, ${`${publicOrigin()}${IMAGE_ROUTE}/`}::text || ${c}.image_id)`;
};

/** The same address in TypeScript, for the library's previews. */
export function creativeImageUrl(creative: { imageUrl: string | null; imageId: string | null }): string {
  return creative.imageUrl ?? `${publicOrigin()}${IMAGE_ROUTE}/${creative.imageId}`;
}

/** The id of the library creative a flow's inline banner becomes: its flow's own. */
export const inlineCreativeId = (flowId: string, nodeId: string) => `flow_${flowId}_${nodeId}`;
