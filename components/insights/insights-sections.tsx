"use client";

// Insights' sections as tabs: the overview, group comparison (radar) and frequency movement
// (Sankey). A tab mounts when first opened, so only the charts looked at are queried.
import { useTranslations } from "use-intl";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { FrequencyMovement } from "./frequency-movement";
import { InsightsOverview } from "./overview";
import { GroupComparison } from "./radar";

export function InsightsSections() {
  const t = useTranslations("insights.tabs");
  return (
    <Tabs defaultValue="overview" className="gap-4">
      <TabsList>
        <TabsTrigger value="overview" data-testid="insights-tab-overview">
          {t("overview")}
        </TabsTrigger>
        <TabsTrigger value="radar" data-testid="insights-tab-radar">
          {t("radar")}
        </TabsTrigger>
        <TabsTrigger value="frequency" data-testid="insights-tab-frequency">
          {t("frequency")}
        </TabsTrigger>
      </TabsList>
      <TabsContent value="overview">
        <InsightsOverview />
      </TabsContent>
      <TabsContent value="radar">
        <GroupComparison />
      </TabsContent>
      <TabsContent value="frequency">
        <FrequencyMovement />
      </TabsContent>
    </Tabs>
  );
}
