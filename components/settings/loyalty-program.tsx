"use client";

// Settings → Loyalty: the program's earn rate (tier multipliers are level benefits, Settings → Tiers),
// expiry rule, expiry reminders and points-for-coupon rate, checked in the browser with the same
// schema the server applies.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { loyaltyProgramSchema, pointsForPaid, type ExpiryRule, type LoyaltyProgram } from "@/server/loyalty/program-schema";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";

const NO_TEMPLATE = "__none__";

export function LoyaltyProgramSettings() {
  const t = useTranslations("loyalty.program");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const program = useQuery(trpc.loyalty.program.queryOptions());
  const templates = useQuery(trpc.content.couponTemplates.queryOptions({ archived: false }));
  // The form's edits; until the first, the saved program.
  const [edited, setDraft] = useState<LoyaltyProgram | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const draft = edited ?? program.data?.program ?? null;
  const save = useMutation(
    trpc.loyalty.saveProgram.mutationOptions({
      onSuccess: (saved) => {
        setDraft(saved);
        toast.success(t("saved"));
        void queryClient.invalidateQueries({ queryKey: trpc.loyalty.program.queryKey() });
      },
      onError: (error) => {
        const data = error.data as { zodError?: { fieldErrors?: Record<string, string[]> }; domainError?: { details?: { field?: string } } } | undefined;
        const field = data?.domainError?.details?.field;
        setErrors(field ? { [field]: error.message } : Object.fromEntries(Object.entries(data?.zodError?.fieldErrors ?? {}).map(([k, v]) => [k, v[0] ?? ""])));
      },
    }),
  );
  if (!draft) return <section className="h-40" aria-busy data-testid="loyalty-program" />;

  const set = (patch: Partial<LoyaltyProgram>) => setDraft({ ...draft, ...patch });
  const numberOf = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));
  const submit = () => {
    const parsed = loyaltyProgramSchema.safeParse(draft);
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
      setErrors(byPath);
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  };
  const error = (path: string) => (errors[path] ? <p className="text-xs text-destructive" role="alert">{errors[path]}</p> : null);

  return (
    <section className="space-y-4" data-testid="loyalty-program">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
        {program.data?.updatedAt ? <p className="text-xs text-muted-foreground">{t("updated", { date: format.dateTime(program.data.updatedAt, { dateStyle: "medium", timeStyle: "short" }) })}</p> : null}
      </div>
      <div className="grid max-w-3xl gap-5 rounded-lg border p-5 sm:grid-cols-2">
        <div className="space-y-1.5">
          <Label htmlFor="loyalty-earn-rate">{t("earnRate")}</Label>
          <Input id="loyalty-earn-rate" inputMode="decimal" defaultValue={String(draft.earnRate)} onChange={(e) => set({ earnRate: numberOf(e.target.value) })} />
          <p className="text-xs text-muted-foreground">{t("earnRateHelp")}</p>
          {error("earnRate")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="loyalty-timezone">{t("timezone")}</Label>
          <Input id="loyalty-timezone" defaultValue={draft.timezone} onChange={(e) => set({ timezone: e.target.value })} />
          <p className="text-xs text-muted-foreground">{t("timezoneHelp")}</p>
          {error("timezone")}
        </div>
        <div className="space-y-1.5 sm:col-span-2">
          {/* Tier multipliers are benefits of each level (Settings → Tiers). */}
          {Number.isFinite(draft.earnRate) ? <p className="text-xs text-muted-foreground">{t("exampleBase", { points: format.number(pointsForPaid(278, draft.earnRate, 1)) })}</p> : null}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="loyalty-expiry">{t("expiry")}</Label>
          <Select
            value={draft.expiry.kind}
            onValueChange={(kind) => set({ expiry: (kind === "rolling_months" ? { kind, months: 12 } : { kind }) as ExpiryRule })}
          >
            <SelectTrigger id="loyalty-expiry">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {(["following_year_end", "rolling_months", "never"] as const).map((kind) => (
                <SelectItem key={kind} value={kind}>
                  {t(`expiryKinds.${kind}`)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          {error("expiry")}
        </div>
        {draft.expiry.kind === "rolling_months" ? (
          <div className="space-y-1.5">
            <Label htmlFor="loyalty-months">{t("months")}</Label>
            <Input id="loyalty-months" inputMode="numeric" defaultValue={String(draft.expiry.months)} onChange={(e) => set({ expiry: { kind: "rolling_months", months: numberOf(e.target.value) } })} />
            {error("expiry.months")}
          </div>
        ) : (
          <div />
        )}
        <div className="space-y-1.5 sm:col-span-2">
          <Label htmlFor="loyalty-reminder-days">{t("reminderDays")}</Label>
          <Input
            id="loyalty-reminder-days"
            className="max-w-xs"
            defaultValue={draft.expiringReminderDays.join(", ")}
            onChange={(e) => set({ expiringReminderDays: e.target.value.split(/[,，\s]+/).filter(Boolean).map(numberOf) })}
          />
          <p className="text-xs text-muted-foreground">{t("reminderDaysHelp")}</p>
          {error("expiringReminderDays")}
          {Object.entries(errors)
            .filter(([path]) => path.startsWith("expiringReminderDays."))
            .slice(0, 1)
            .map(([path, message]) => (
              <p key={path} className="text-xs text-destructive" role="alert">
                {message}
              </p>
            ))}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="loyalty-template">{t("couponTemplate")}</Label>
          <Select
            value={draft.redemption.couponTemplateId ?? NO_TEMPLATE}
            onValueChange={(id) => set({ redemption: { ...draft.redemption, couponTemplateId: id === NO_TEMPLATE ? null : id } })}
          >
            <SelectTrigger id="loyalty-template">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={NO_TEMPLATE}>{t("noTemplate")}</SelectItem>
              {(templates.data ?? []).map((tpl) => (
                <SelectItem key={tpl.id} value={tpl.id}>
                  {tpl.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          {error("redemption.couponTemplateId")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="loyalty-points-per-coupon">{t("pointsPerCoupon")}</Label>
          <Input
            id="loyalty-points-per-coupon"
            inputMode="numeric"
            defaultValue={String(draft.redemption.pointsPerCoupon)}
            onChange={(e) => set({ redemption: { ...draft.redemption, pointsPerCoupon: numberOf(e.target.value) } })}
          />
          {error("redemption.pointsPerCoupon")}
        </div>
        <div className="sm:col-span-2">
          <Button onClick={submit} disabled={save.isPending} data-testid="loyalty-save">
            {t("save")}
          </Button>
        </div>
      </div>
    </section>
  );
}
