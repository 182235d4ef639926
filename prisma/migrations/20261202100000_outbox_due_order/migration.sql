-- The outbox is drained in (scheduled_for, id) order. A broadcast queues a million messages at
-- one instant: an index on scheduled_for alone leaves the whole instant to be sorted by id on
-- every batch. With id in the key the drain reads its batch straight off the index.
DROP INDEX IF EXISTS "notifications_due_idx";
CREATE INDEX "notifications_due_idx" ON "notifications" ("scheduled_for", "id") WHERE "status" IN ('queued', 'deferred');
