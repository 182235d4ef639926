"use client";

import { FileSpreadsheetIcon, FilterIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

export function KindBadge({ kind }: { kind: "condition" | "static" }) {
  const t = useTranslations("audienceEditor");
  return (
    <Badge variant={kind === "condition" ? "info" : "muted"} data-testid="audience-kind">
      {kind === "condition" ? <FilterIcon aria-hidden /> : <FileSpreadsheetIcon aria-hidden />}
      {t(`kind.${kind}`)}
    </Badge>
  );
}

export function ArchiveAudienceDialog({
  name,
  open,
  onOpenChange,
  onConfirm,
  loading,
}: {
  name: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  loading?: boolean;
}) {
  const t = useTranslations("audienceEditor");
  const common = useTranslations("common");
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{t("list.archiveTitle", { name })}</DialogTitle>
          <DialogDescription>{t("list.archiveDescription")}</DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            {common("cancel")}
          </Button>
          <Button variant="destructive" loading={loading} onClick={onConfirm} data-testid="confirm-archive">
            {t("list.archive")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
