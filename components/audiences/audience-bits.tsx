"use client";

import { FileSpreadsheetIcon, FilterIcon } from "lucide-react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";

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
  audienceId,
  name,
  open,
  onOpenChange,
  onConfirm,
  loading,
}: {
  audienceId: string | null;
  name: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  loading?: boolean;
}) {
  const t = useTranslations("audienceEditor");
  const common = useTranslations("common");
  const trpc = useTRPC();
  const usage = useQuery({ ...trpc.audiences.usage.queryOptions({ id: audienceId ?? "" }), enabled: open && Boolean(audienceId), staleTime: 0 });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{t("list.archiveTitle", { name })}</DialogTitle>
          <DialogDescription>{t("list.archiveDescription")}</DialogDescription>
        </DialogHeader>
        {usage.data && usage.data.length > 0 ? (
          <div className="flex flex-col gap-1.5 rounded-md border bg-muted/40 p-3 text-sm" data-testid="audience-usage">
            <p className="font-medium">{t("list.usedBy", { count: usage.data.length })}</p>
            <ul className="flex flex-col gap-1">
              {usage.data.map((flow) => (
                <li key={flow.id}>
                  <Link href={`/flows/${flow.id}`} className="text-primary underline-offset-2 hover:underline">
                    {flow.name}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
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
