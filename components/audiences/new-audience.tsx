"use client";

import { useState } from "react";
import { useTranslations } from "use-intl";

import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { ConditionAudienceForm } from "./audience-editor-page";
import { CsvImport } from "./csv-import";

type Kind = "condition" | "static";

/** /audiences/new: build from conditions, or import a CSV of external ids. */
export function NewAudience({ initialKind }: { initialKind: Kind }) {
  const t = useTranslations("audienceEditor");
  const [kind, setKind] = useState<Kind>(initialKind);
  const tabs = (
    <Tabs value={kind} onValueChange={(v) => setKind(v as Kind)} className="pb-6">
      <TabsList variant="pill">
        <TabsTrigger value="condition" data-testid="tab-condition">
          {t("form.tabConditions")}
        </TabsTrigger>
        <TabsTrigger value="static" data-testid="tab-static">
          {t("form.tabCsv")}
        </TabsTrigger>
      </TabsList>
    </Tabs>
  );
  if (kind === "condition") return <ConditionAudienceForm headerExtra={tabs} />;
  return (
    <>
      <PageHeader title={t("form.newTitle")}>{tabs}</PageHeader>
      <PageBody>
        <CsvImport />
      </PageBody>
    </>
  );
}
