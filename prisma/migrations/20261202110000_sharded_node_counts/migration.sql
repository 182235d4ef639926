-- Per-node counters split over a few rows per metric: every transaction that moves members adds to
-- them, and one row per metric made concurrent transactions (events arriving in parallel) queue on
-- that row's lock. A transaction adds to the shard of its connection; readers sum the shards.
ALTER TABLE "flow_node_counts" ADD COLUMN "shard" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "flow_node_counts" DROP CONSTRAINT "flow_node_counts_pkey";
ALTER TABLE "flow_node_counts" ADD CONSTRAINT "flow_node_counts_pkey" PRIMARY KEY ("flow_version_id", "node_id", "metric", "shard");
