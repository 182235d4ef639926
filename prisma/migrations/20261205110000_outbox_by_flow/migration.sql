-- The outbox filtered to one flow, newest first: without it a flow with 600k older messages
-- took 1.7 s a page (a backwards scan of the primary key, filtering).
CREATE INDEX "notifications_flow_newest" ON "notifications"("flow_id", "id");
