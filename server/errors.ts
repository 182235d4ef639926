// The one domain error. Services throw it; each surface maps `code` to its own status in one
// place (tRPC: server/api/trpc.ts; storefront REST: its handler wrapper).
export type DomainErrorCode = "not_found" | "conflict" | "invalid" | "forbidden" | "archived";

export class DomainError<Details = unknown> extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Machine-readable detail for the client, e.g. per-node validation issues. */
    readonly details?: Details,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
