"use client";

// Settings → Publishing approval: one switch, for admins (the page shows it to them only; the
// server checks manageSettings and writes the change to the audit log).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";

export function ApprovalSetting() {
  const t = useTranslations("approval.setting");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setting = useQuery(trpc.approvals.setting.queryOptions());
  const save = useMutation(
    trpc.approvals.saveSetting.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.approvals.setting.queryKey(), saved);
        toast.success(t("saved"));
      },
      onError: (error) => toast.error(t("failed"), error.message),
    }),
  );
  return (
    <section className="space-y-4" data-testid="approval-setting">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
      </div>
      <div className="flex max-w-3xl items-start gap-3 rounded-lg border p-5">
        <Switch
          id="publish-needs-approval"
          checked={setting.data?.publishNeedsApproval ?? false}
          disabled={!setting.data || save.isPending}
          onCheckedChange={(checked) => save.mutate({ publishNeedsApproval: checked })}
          data-testid="publish-needs-approval"
        />
        <div className="space-y-1">
          <Label htmlFor="publish-needs-approval">{t("label")}</Label>
          <p className="text-xs text-muted-foreground">{t("help")}</p>
        </div>
      </div>
    </section>
  );
}
