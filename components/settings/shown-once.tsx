"use client";

import type { ReactNode } from "react";
import { CopyIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Button } from "@/components/ui/button";

/** A secret shown once, right after it was made (an API key, a webhook signing secret): copy it, then dismiss. */
export function ShownOnce({ title, secret, hint, onDone, testId }: { title: string; secret: string; hint?: ReactNode; onDone: () => void; testId: string }) {
  const t = useTranslations("settings.keys");
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:bg-amber-950" data-testid={testId}>
      <p className="font-medium">{title}</p>
      <div className="mt-2 flex items-center gap-2">
        <code className="bg-background flex-1 overflow-x-auto rounded border px-2 py-1 font-mono text-xs" data-testid={`${testId}-value`}>
          {secret}
        </code>
        <Button size="sm" variant="outline" onClick={() => void navigator.clipboard?.writeText(secret)}>
          <CopyIcon /> {t("copy")}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          {t("done")}
        </Button>
      </div>
      {hint && <p className="text-muted-foreground mt-2 text-xs">{hint}</p>}
    </div>
  );
}
