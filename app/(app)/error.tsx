"use client";

import { useEffect } from "react";
import { TriangleAlertIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageBody } from "@/components/shell/page-header";

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors");
  const common = useTranslations("common");
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <PageBody className="pt-6">
      <EmptyState
        icon={TriangleAlertIcon}
        title={t("errorTitle")}
        description={t("errorDescription")}
        action={<Button onClick={reset}>{common("retry")}</Button>}
      >
        {error.digest ? (
          <code className="rounded bg-muted px-2 py-1 font-mono text-xs text-muted-foreground">
            {t("errorReference", { digest: error.digest })}
          </code>
        ) : null}
      </EmptyState>
    </PageBody>
  );
}
