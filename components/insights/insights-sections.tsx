"use client";

// Insights' sections as tabs: frequency movement today; the overview and the group-comparison
// radar get their own tab when they exist.
import { useTranslations } from "use-intl";
import { Badge } from "@/components/ui/badge";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { FrequencyMovement } from "./frequency-movement";

export function InsightsSections() {
  const t = useTranslations("insights.tabs");
  return (
    <Tabs defaultValue="frequency" className="gap-4">
      <TabsList>
        <TabsTrigger value="frequency" data-testid="insights-tab-frequency">
          {t("frequency")}
        </TabsTrigger>
        <TabsTrigger value="overview" disabled>
          {t("overview")} <Badge variant="muted">{t("soon")}</Badge>
        </TabsTrigger>
        <TabsTrigger value="radar" disabled>
          {t("radar")} <Badge variant="muted">{t("soon")}</Badge>
        </TabsTrigger>
      </TabsList>
      <TabsContent value="frequency">
        <FrequencyMovement />
      </TabsContent>
    </Tabs>
  );
}
