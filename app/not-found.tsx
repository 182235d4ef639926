import Link from "next/link";
import { CompassIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default async function NotFound() {
  const t = await getT("errors");
  return (
    <div className="flex min-h-dvh items-center justify-center p-6">
      <EmptyState
        className="w-full max-w-xl border-none"
        icon={CompassIcon}
        title={t("notFoundTitle")}
        description={t("notFoundDescription")}
        action={
          <Button asChild>
            <Link href="/flows">{t("goToFlows")}</Link>
          </Button>
        }
      />
    </div>
  );
}
