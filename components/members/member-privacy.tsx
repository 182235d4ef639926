"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DownloadIcon, ShieldIcon, Trash2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import type { MemberProfile } from "@/server/members/schemas";
import { consentChannels, type ConsentChannel } from "@/server/members/privacy-schemas";
import { useCan } from "@/components/shell/session-user";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";

const consentField = { sms: "consentSms", email: "consentEmail", push: "consentPush", inApp: "consentInApp" } as const satisfies Record<ConsentChannel, keyof MemberProfile>;

/** Consent per channel (audited), the member's data as JSON, and erasure: admins change, others read. */
export function MemberPrivacy({ member }: { member: MemberProfile }) {
  const t = useTranslations("access.privacy");
  const format = useFormatter();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canManage = useCan("manageMemberPrivacy");
  const erasure = useQuery(trpc.members.erasure.queryOptions({ id: member.id }));
  const [consent, setConsent] = useState<Record<ConsentChannel, boolean>>(() =>
    Object.fromEntries(consentChannels.map((c) => [c, member[consentField[c]] as boolean])) as Record<ConsentChannel, boolean>,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const save = useMutation(trpc.members.setConsent.mutationOptions({ onSuccess: () => setNotice(t("saved")) }));
  const exportData = useMutation(
    trpc.members.exportData.mutationOptions({
      onSuccess: (data) => {
        const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = `member-${member.id}.json`;
        a.click();
        URL.revokeObjectURL(url);
        setNotice(t("exported"));
      },
    }),
  );
  const erase = useMutation(
    trpc.members.erase.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries();
        router.refresh();
      },
    }),
  );
  const erasedAt = erasure.data?.erasedAt;

  return (
    <Card data-testid="member-privacy">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <ShieldIcon className="size-4 text-muted-foreground" aria-hidden /> {t("title")}
        </CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        {erasedAt ? <p className="text-sm text-muted-foreground">{t("erased", { when: format.dateTime(new Date(erasedAt), { dateStyle: "medium", timeStyle: "short" }) })}</p> : null}
        <div>
          <p className="text-sm font-medium">{t("consent")}</p>
          <p className="text-xs text-muted-foreground">{t("consentHint")}</p>
          <div className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
            {consentChannels.map((channel) => (
              <div key={channel} className="flex items-center gap-2">
                <Switch
                  id={`consent-${channel}`}
                  checked={consent[channel]}
                  disabled={!canManage || !!erasedAt || save.isPending}
                  onCheckedChange={(checked) => {
                    setConsent({ ...consent, [channel]: checked });
                    setNotice(null);
                    save.mutate({ id: member.id, consent: { [channel]: checked } });
                  }}
                />
                <Label htmlFor={`consent-${channel}`}>{t(`channel.${channel}`)}</Label>
              </div>
            ))}
          </div>
        </div>
        {canManage ? (
          <div className="flex flex-wrap items-center gap-2 border-t pt-4">
            <Button variant="outline" size="sm" onClick={() => exportData.mutate({ id: member.id })} disabled={exportData.isPending}>
              <DownloadIcon aria-hidden /> {t("export")}
            </Button>
            <Button variant="outline" size="sm" className="text-destructive" onClick={() => setConfirming(true)} disabled={!!erasedAt}>
              <Trash2Icon aria-hidden /> {t("erase")}
            </Button>
            {notice ? <span className="text-xs text-muted-foreground" role="status">{notice}</span> : null}
            {save.error || exportData.error ? <span className="text-xs text-destructive">{(save.error ?? exportData.error)?.message}</span> : null}
          </div>
        ) : (
          <p className="text-xs text-muted-foreground">{t("adminOnly")}</p>
        )}
      </CardContent>
      <Dialog open={confirming} onOpenChange={setConfirming}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{t("erase")}</DialogTitle>
            <DialogDescription>{t("eraseConfirm")}</DialogDescription>
          </DialogHeader>
          <div className="space-y-1.5">
            <Label htmlFor="erase-confirm">{t("confirmLabel", { externalId: member.externalId })}</Label>
            <Input id="erase-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
            {erase.error ? <p className="text-xs text-destructive">{erase.error.message}</p> : null}
          </div>
          <DialogFooter>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              {t("cancel")}
            </Button>
            <Button
              variant="destructive"
              disabled={typed.trim() !== member.externalId || erase.isPending}
              onClick={() => erase.mutate({ id: member.id, confirmExternalId: typed.trim() })}
            >
              {t("erase")}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}
