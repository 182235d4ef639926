-- A flow's results count what its holdout was spared and its banners by flow: without these a
-- results sheet read every row of both tables.
CREATE INDEX "suppressed_effects_flow" ON "suppressed_effects"("flow_id", "kind");
CREATE INDEX "banners_flow" ON "banners"("flow_id");
