"use client";

// Settings → Tiers: the levels (thresholds and benefits), how growth value is earned, when levels
// are re-evaluated and how long growth value lasts — checked in the browser with the schema the
// server applies, and previewed over the whole member base before it is saved.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import {
  defaultBenefits,
  downgradeRules,
  evaluationPeriods,
  tierProgramSchema,
  type GrowthTask,
  type TierLevel,
  type TierPreview,
  type TierProgram,
} from "@/server/loyalty/tiers/program-schema";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";

const NO_TEMPLATE = "__none__";
const numberOf = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));

export function TierProgramSettings() {
  const t = useTranslations("tiers.program");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saved = useQuery(trpc.loyalty.tierProgram.queryOptions());
  const templates = useQuery(trpc.content.couponTemplates.queryOptions({ archived: false }));
  const [edited, setEdited] = useState<TierProgram | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<{ result: TierPreview; of: TierProgram } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  // Uncontrolled inputs keep what is typed ("1."); removing a row re-mounts the rows (a new
  // generation) so each input shows its own level again.
  const [generation, setGeneration] = useState(0);
  const draft = edited ?? saved.data?.program ?? null;
  const save = useMutation(
    trpc.loyalty.saveTierProgram.mutationOptions({
      onSuccess: (program) => {
        setEdited(program);
        toast.success(t("saved"));
        void queryClient.invalidateQueries({ queryKey: trpc.loyalty.tierProgram.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.members.filterOptions.queryKey() });
      },
      onError: (error) => {
        const data = error.data as { zodError?: { fieldErrors?: Record<string, string[]> }; domainError?: { details?: { field?: string } } } | undefined;
        const field = data?.domainError?.details?.field;
        setErrors(field ? { [field]: error.message } : Object.fromEntries(Object.entries(data?.zodError?.fieldErrors ?? {}).map(([k, v]) => [k, v[0] ?? ""])));
      },
    }),
  );
  if (!draft) return <section className="h-40" aria-busy data-testid="tier-program" />;

  const set = (patch: Partial<TierProgram>) => setEdited({ ...draft, ...patch });
  const setLevel = (i: number, patch: Partial<TierLevel>) => set({ levels: draft.levels.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const setBenefits = (i: number, patch: Partial<TierLevel["benefits"]>) => setLevel(i, { benefits: { ...draft.levels[i]!.benefits, ...patch } });
  const setTask = (i: number, patch: Partial<GrowthTask>) => set({ tasks: draft.tasks.map((task, j) => (j === i ? { ...task, ...patch } : task)) });
  const error = (path: string) => (errors[path] ? <p className="text-xs text-destructive" role="alert">{errors[path]}</p> : null);
  const levelName = (l: { name: string; nameEn: string }) => (locale === "zh-CN" ? l.name : l.nameEn);

  /** The draft as the schema takes it, or null with the errors shown by field. */
  const checked = (): TierProgram | null => {
    const parsed = tierProgramSchema.safeParse(draft);
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
      setErrors(byPath);
      return null;
    }
    setErrors({});
    return parsed.data;
  };
  const runPreview = async () => {
    const candidate = checked();
    if (!candidate) return;
    setPreviewing(true);
    try {
      const result = await queryClient.fetchQuery({ ...trpc.loyalty.previewTierProgram.queryOptions(candidate), staleTime: 0 });
      setPreview({ result, of: draft });
    } catch (e) {
      toast.error((e as Error).message);
    } finally {
      setPreviewing(false);
    }
  };
  const submit = () => {
    const candidate = checked();
    if (candidate) save.mutate(candidate);
  };
  const addLevel = () => {
    const last = draft.levels[draft.levels.length - 1];
    set({ levels: [...draft.levels, { id: `level_${draft.levels.length + 1}`, name: "", nameEn: "", threshold: (last?.threshold ?? 0) + 1000, benefits: defaultBenefits }] });
  };
  const removeLevel = (i: number) => {
    setGeneration((g) => g + 1);
    set({ levels: draft.levels.filter((_, j) => j !== i) });
  };
  const templateSelect = (id: string, value: string | null, onChange: (v: string | null) => void) => (
    <Select value={value ?? NO_TEMPLATE} onValueChange={(v) => onChange(v === NO_TEMPLATE ? null : v)}>
      <SelectTrigger id={id} className="h-8 w-36">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={NO_TEMPLATE}>{t("none")}</SelectItem>
        {(templates.data ?? []).map((tpl) => (
          <SelectItem key={tpl.id} value={tpl.id}>
            {tpl.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
  const stale = preview !== null && preview.of !== draft;

  return (
    <section className="space-y-4" data-testid="tier-program">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
        {saved.data?.updatedAt ? <p className="text-xs text-muted-foreground">{t("updated", { date: format.dateTime(saved.data.updatedAt, { dateStyle: "medium", timeStyle: "short" }) })}</p> : null}
      </div>
      <div className="space-y-5 rounded-lg border p-5">
        <div className="overflow-x-auto">
          <Table data-testid="tier-levels">
            <TableHeader>
              <TableRow>
                <TableHead>{t("key")}</TableHead>
                <TableHead>{t("nameZh")}</TableHead>
                <TableHead>{t("nameEn")}</TableHead>
                <TableHead>{t("threshold")}</TableHead>
                <TableHead>{t("discount")}</TableHead>
                <TableHead>{t("multiplier")}</TableHead>
                <TableHead>{t("monthlyCoupons")}</TableHead>
                <TableHead>{t("birthdayGift")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {draft.levels.map((level, i) => {
                const key = `${generation}:${i}`;
                const p = `levels.${i}`;
                return (
                  <TableRow key={key} data-testid={`tier-level-${i}`}>
                    <TableCell>
                      <Input aria-label={t("key")} className="h-8 w-28 font-mono" defaultValue={level.id} onChange={(e) => setLevel(i, { id: e.target.value })} />
                      {error(`${p}.id`)}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={t("nameZh")} className="h-8 w-24" defaultValue={level.name} onChange={(e) => setLevel(i, { name: e.target.value })} />
                      {error(`${p}.name`)}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={t("nameEn")} className="h-8 w-24" defaultValue={level.nameEn} onChange={(e) => setLevel(i, { nameEn: e.target.value })} />
                      {error(`${p}.nameEn`)}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={t("threshold")} inputMode="numeric" className="h-8 w-24" defaultValue={String(level.threshold)} onChange={(e) => setLevel(i, { threshold: numberOf(e.target.value) })} />
                      {error(`${p}.threshold`)}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={t("discount")} inputMode="decimal" className="h-8 w-16" defaultValue={String(level.benefits.discountPercent)} onChange={(e) => setBenefits(i, { discountPercent: numberOf(e.target.value) })} />
                      {error(`${p}.benefits.discountPercent`)}
                    </TableCell>
                    <TableCell>
                      <Input aria-label={t("multiplier")} inputMode="decimal" className="h-8 w-16" defaultValue={String(level.benefits.pointsMultiplier)} onChange={(e) => setBenefits(i, { pointsMultiplier: numberOf(e.target.value) })} />
                      {error(`${p}.benefits.pointsMultiplier`)}
                    </TableCell>
                    <TableCell>
                      <div className="flex items-center gap-1">
                        {templateSelect(`tier-monthly-${key}`, level.benefits.monthlyCoupons?.couponTemplateId ?? null, (id) =>
                          setBenefits(i, { monthlyCoupons: id ? { couponTemplateId: id, count: level.benefits.monthlyCoupons?.count ?? 1 } : null }),
                        )}
                        {level.benefits.monthlyCoupons ? (
                          <Input
                            aria-label={t("count")}
                            inputMode="numeric"
                            className="h-8 w-12"
                            defaultValue={String(level.benefits.monthlyCoupons.count)}
                            onChange={(e) => setBenefits(i, { monthlyCoupons: { ...level.benefits.monthlyCoupons!, count: numberOf(e.target.value) } })}
                          />
                        ) : null}
                      </div>
                      {error(`${p}.benefits.monthlyCoupons.couponTemplateId`)}
                      {error(`${p}.benefits.monthlyCoupons.count`)}
                    </TableCell>
                    <TableCell>
                      {templateSelect(`tier-birthday-${key}`, level.benefits.birthdayGift?.couponTemplateId ?? null, (id) => setBenefits(i, { birthdayGift: id ? { couponTemplateId: id } : null }))}
                      {error(`${p}.benefits.birthdayGift.couponTemplateId`)}
                    </TableCell>
                    <TableCell>
                      <Button variant="ghost" size="icon" aria-label={t("removeLevel")} disabled={draft.levels.length <= 1} onClick={() => removeLevel(i)}>
                        <Trash2Icon />
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
        {error("levels")}
        <Button variant="outline" size="sm" onClick={addLevel} disabled={draft.levels.length >= 20}>
          <PlusIcon /> {t("addLevel")}
        </Button>

        <div className="grid gap-5 sm:grid-cols-4">
          <div className="space-y-1.5">
            <Label htmlFor="tier-growth-rate">{t("growthRate")}</Label>
            <Input id="tier-growth-rate" inputMode="decimal" defaultValue={String(draft.growthPerCurrencyUnit)} onChange={(e) => set({ growthPerCurrencyUnit: numberOf(e.target.value) })} />
            {error("growthPerCurrencyUnit")}
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="tier-period">{t("period")}</Label>
            <Select value={draft.evaluation.period} onValueChange={(period) => set({ evaluation: { ...draft.evaluation, period: period as TierProgram["evaluation"]["period"] } })}>
              <SelectTrigger id="tier-period">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {evaluationPeriods.map((p) => (
                  <SelectItem key={p} value={p}>
                    {t(`periods.${p}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="tier-downgrade">{t("downgrade")}</Label>
            <Select value={draft.evaluation.downgrade} onValueChange={(downgrade) => set({ evaluation: { ...draft.evaluation, downgrade: downgrade as TierProgram["evaluation"]["downgrade"] } })}>
              <SelectTrigger id="tier-downgrade">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {downgradeRules.map((r) => (
                  <SelectItem key={r} value={r}>
                    {t(`downgrades.${r}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="tier-validity">{t("validity")}</Label>
            <Input id="tier-validity" inputMode="numeric" defaultValue={String(draft.validityMonths)} onChange={(e) => set({ validityMonths: numberOf(e.target.value) })} />
            {error("validityMonths")}
          </div>
        </div>
        <p className="text-xs text-muted-foreground">{t("rulesHelp")}</p>

        <div className="space-y-2">
          <div className="text-sm font-medium">{t("tasks")}</div>
          {draft.tasks.map((task, i) => (
            <div key={`${generation}:${i}`} className="flex flex-wrap items-center gap-2" data-testid={`tier-task-${i}`}>
              <Input aria-label={t("taskEvent")} className="h-8 w-48 font-mono" defaultValue={task.event} onChange={(e) => setTask(i, { event: e.target.value })} />
              <Input aria-label={t("taskGrowth")} inputMode="numeric" className="h-8 w-20" defaultValue={String(task.growth)} onChange={(e) => setTask(i, { growth: numberOf(e.target.value) })} />
              <label className="flex items-center gap-1.5 text-sm">
                <Switch checked={task.oncePerDay} onCheckedChange={(oncePerDay) => setTask(i, { oncePerDay })} />
                {t("oncePerDay")}
              </label>
              <Button
                variant="ghost"
                size="icon"
                aria-label={t("removeTask")}
                onClick={() => {
                  setGeneration((g) => g + 1);
                  set({ tasks: draft.tasks.filter((_, j) => j !== i) });
                }}
              >
                <Trash2Icon />
              </Button>
              {error(`tasks.${i}.event`)}
              {error(`tasks.${i}.growth`)}
            </div>
          ))}
          <Button variant="outline" size="sm" onClick={() => set({ tasks: [...draft.tasks, { event: "profile.completed", growth: 10, oncePerDay: false }] })} disabled={draft.tasks.length >= 30}>
            <PlusIcon /> {t("addTask")}
          </Button>
        </div>

        {preview ? (
          <div className={stale ? "opacity-50" : undefined} data-testid="tier-preview">
            <div className="mb-2 text-sm font-medium">
              {t("previewTitle", { members: format.number(preview.result.members), seconds: format.number(preview.result.ms / 1000, { maximumFractionDigits: 2 }) })}
              {stale ? <span className="ml-2 text-xs text-muted-foreground">{t("previewStale")}</span> : null}
            </div>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("level")}</TableHead>
                  <TableHead className="text-right">{t("now")}</TableHead>
                  <TableHead className="text-right">{t("after")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {preview.result.levels.map((l, i) => (
                  <TableRow key={l.id} data-testid={`tier-preview-${l.id}`}>
                    <TableCell>{preview.of.levels[i] ? levelName(preview.of.levels[i]) || l.id : l.id}</TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(l.now)}</TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(l.after)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <p className="mt-2 text-sm" data-testid="tier-preview-moves">
              {t("moves", { up: format.number(preview.result.up), down: format.number(preview.result.down), placed: format.number(preview.result.placed) })}
            </p>
          </div>
        ) : null}

        <div className="flex gap-2">
          <Button variant="outline" onClick={runPreview} disabled={previewing} data-testid="tier-preview-run">
            {previewing ? t("previewing") : t("preview")}
          </Button>
          <Button onClick={submit} disabled={save.isPending} data-testid="tier-save">
            {t("save")}
          </Button>
        </div>
      </div>
    </section>
  );
}
