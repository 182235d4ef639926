"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, TicketPercentIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { couponTemplateInput, type CouponTemplateInput } from "@/server/content/coupon-template-schema";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import Link from "next/link";
import { useFieldOptions } from "@/components/audiences/use-options";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MultiSelect } from "@/components/ui/combobox";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";

type Draft = {
  name: string;
  description: string;
  type: "amount" | "percent";
  value: string;
  maxDiscount: string;
  minSpend: string;
  validityKind: "days" | "range";
  days: string;
  from: string;
  to: string;
  productIds: string[];
  categoryIds: string[];
  totalLimit: string;
  perMemberMax: string;
  codePrefix: string;
};

const emptyDraft: Draft = {
  name: "",
  description: "",
  type: "amount",
  value: "",
  maxDiscount: "",
  minSpend: "0",
  validityKind: "days",
  days: "14",
  from: "",
  to: "",
  productIds: [],
  categoryIds: [],
  totalLimit: "",
  perMemberMax: "1",
  codePrefix: "",
};

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const optional = (s: string) => (s.trim() === "" ? null : Number(s));
/** A datetime-local value (the browser's time zone) as an ISO time. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : "");
const localOf = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "");

function toInput(d: Draft): CouponTemplateInput {
  return {
    name: d.name,
    description: d.description,
    type: d.type,
    value: num(d.value),
    maxDiscount: d.type === "percent" ? optional(d.maxDiscount) : null,
    minSpend: num(d.minSpend),
    validity: d.validityKind === "days" ? { kind: "days", days: num(d.days) } : { kind: "range", from: isoOf(d.from), to: isoOf(d.to) },
    productIds: d.productIds.map(Number),
    categoryIds: d.categoryIds.map(Number),
    totalLimit: optional(d.totalLimit),
    perMemberMax: num(d.perMemberMax),
    codePrefix: d.codePrefix.trim().toUpperCase(),
  };
}

/** The coupon template library: live figures per template, and a sheet to create or edit one. */
export function CouponTemplates() {
  // The server refuses edits to roles without "editContent"; the buttons are not offered to them.
  const mayEdit = useCan("editContent");
  const t = useTranslations("content.coupons");
  const format = useFormatter();
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<{ id: string | null } | null>(null);
  const list = useQuery(trpc.content.couponTemplates.queryOptions({ archived }));

  return (
    <section className="space-y-4" data-testid="coupon-templates">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="text-muted-foreground text-sm">{t("description")}</p>
        </div>
        <div className="flex items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={archived} onCheckedChange={setArchived} data-testid="show-archived" />
            {t("showArchived")}
          </label>
          <Button data-testid="new-coupon-template" hidden={!mayEdit} onClick={() => setEditing({ id: null })}>
            <PlusIcon /> {t("new")}
          </Button>
        </div>
      </div>

      {list.data && list.data.length === 0 ? (
        <EmptyState icon={TicketPercentIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Table data-testid="coupon-templates-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("terms")}</TableHead>
              <TableHead className="text-right">{t("issued")}</TableHead>
              <TableHead className="text-right">{t("redeemed")}</TableHead>
              <TableHead className="text-right">{t("rate")}</TableHead>
              <TableHead className="text-right">{t("expired")}</TableHead>
              <TableHead className="text-right">{t("liability")}</TableHead>
              <TableHead>{t("usedBy")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data?.map((row) => (
              <TableRow key={row.id} className="cursor-pointer" data-testid={`coupon-template-${row.name}`} data-id={row.id} onClick={() => setEditing({ id: row.id })}>
                <TableCell>
                  <div className="font-medium">{row.name}</div>
                  <div className="text-muted-foreground text-xs">
                    {t("revision", { revision: row.revision })}
                    {row.sourceFlowId && ` · ${t("inline")}`}
                    {row.archivedAt && ` · ${t("archived")}`}
                  </div>
                </TableCell>
                <TableCell className="text-sm">{termsText(t, row)}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-issued">{format.number(row.figures.issued)}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-redeemed">{format.number(row.figures.redeemed)}</TableCell>
                <TableCell className="text-right tabular-nums">{row.figures.redemptionRate === null ? "—" : format.number(row.figures.redemptionRate, { style: "percent", maximumFractionDigits: 1 })}</TableCell>
                <TableCell className="text-right tabular-nums">{format.number(row.figures.expired)}</TableCell>
                <TableCell className="text-right tabular-nums" title={row.figures.uncappedActive > 0 ? t("uncapped", { count: row.figures.uncappedActive }) : undefined}>
                  {format.number(row.figures.liability, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" })}
                  {row.figures.uncappedActive > 0 && " +"}
                </TableCell>
                <TableCell className="max-w-56 text-sm whitespace-normal" data-testid="template-flows">
                  {row.flows.length === 0 ? <span className="text-muted-foreground">—</span> : row.flows.map((f) => f.name).join(", ")}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Sheet open={!!editing} onOpenChange={(open) => !open && setEditing(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-xl">
          <SheetHeader>
            <SheetTitle>{editing?.id ? t("edit") : t("new")}</SheetTitle>
            <SheetDescription>{editing?.id ? t("editDescription") : t("newDescription")}</SheetDescription>
          </SheetHeader>
          {editing && <TemplateForm key={editing.id ?? "new"} id={editing.id} onDone={() => setEditing(null)} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

type Translate = ReturnType<typeof useTranslations<"content.coupons">>;
function termsText(t: Translate, row: { type: string; value: number; minSpend: number; maxDiscount: number | null; validity: { kind: "days"; days: number } | { kind: "range"; from: string | null; to: string | null } }) {
  const value = row.type === "amount" ? t("amountOff", { value: row.value }) : t("percentOff", { value: row.value });
  const min = row.minSpend > 0 ? t("over", { min: row.minSpend }) : "";
  const cap = row.maxDiscount !== null ? t("cap", { cap: row.maxDiscount }) : "";
  const valid = row.validity.kind === "days" ? t("days", { days: row.validity.days }) : t("range");
  return [value + min + cap, valid].join(" · ");
}

function TemplateForm({ id, onDone }: { id: string | null; onDone: () => void }) {
  const mayEdit = useCan("editContent");
  const t = useTranslations("content.coupons");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery({ ...trpc.content.couponTemplate.queryOptions({ id: id ?? "" }), enabled: id !== null });
  const [draft, setDraft] = useState<Draft | null>(id === null ? emptyDraft : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [productSearch, setProductSearch] = useState("");
  const products = useFieldOptions({ source: "products" }, { serverSearch: true, search: productSearch, selected: draft?.productIds.map(Number) ?? [] });
  const categories = useFieldOptions({ source: "categories" }, { serverSearch: false, search: "" });

  if (draft === null && existing.data) {
    const e = existing.data;
    setDraft({
      name: e.name,
      description: e.description,
      type: e.type,
      value: String(e.value),
      maxDiscount: e.maxDiscount === null ? "" : String(e.maxDiscount),
      minSpend: String(e.minSpend),
      validityKind: e.validity.kind,
      days: e.validity.kind === "days" ? String(e.validity.days) : "14",
      from: e.validity.kind === "range" ? localOf(e.validity.from) : "",
      to: e.validity.kind === "range" ? localOf(e.validity.to) : "",
      productIds: e.productIds.map(String),
      categoryIds: e.categoryIds.map(String),
      totalLimit: e.totalLimit === null ? "" : String(e.totalLimit),
      perMemberMax: String(e.perMemberMax),
      codePrefix: e.codePrefix,
    });
  }

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.content.couponTemplates.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.couponTemplate.queryKey() });
    onDone();
  };
  const create = useMutation(trpc.content.createCouponTemplate.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.content.updateCouponTemplate.mutationOptions({ onSuccess: done }));
  const archive = useMutation(trpc.content.archiveCouponTemplate.mutationOptions({ onSuccess: done }));
  if (!draft) return <p className="text-muted-foreground px-4 text-sm">{t("loading")}</p>;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const error = (path: string) => errors[path] && <p className="text-destructive text-xs" data-testid={`error-${path}`}>{errors[path]}</p>;
  const save = () => {
    const parsed = couponTemplateInput.safeParse(toInput(draft));
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
      setErrors(byPath);
      return;
    }
    setErrors({});
    if (id) update.mutate({ id, template: parsed.data });
    else create.mutate(parsed.data);
  };
  const e = existing.data;
  // A flow's own coupon: what its node describes is edited there (the server refuses it here too).
  const inline = !!e?.sourceFlowId;

  return (
    <form
      className="space-y-4 px-4 pb-6"
      data-testid="coupon-template-form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {inline && (
        <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950" data-testid="ct-inline-note">
          {t("inlineNote")}{" "}
          <Link className="underline" href={`/flows/${e!.sourceFlowId}`}>
            {t("openFlow")}
          </Link>
        </p>
      )}
      {e && e.figures.issued > 0 && <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950">{t("revisionNote", { issued: e.figures.issued, next: e.revision + 1 })}</p>}
      <div className="space-y-1.5">
        <Label htmlFor="ct-name">{t("name")}</Label>
        <Input id="ct-name" data-testid="ct-name" disabled={inline} value={draft.name} onChange={(ev) => set({ name: ev.target.value })} placeholder={t("namePlaceholder")} />
        {error("name")}
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="ct-description">{t("descriptionLabel")}</Label>
        <Textarea id="ct-description" value={draft.description} onChange={(ev) => set({ description: ev.target.value })} rows={2} />
        {error("description")}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-1.5">
          <Label>{t("type")}</Label>
          <div className="flex gap-2">
            {(["amount", "percent"] as const).map((type) => (
              <Button key={type} type="button" size="sm" variant={draft.type === type ? "default" : "outline"} disabled={inline} data-testid={`ct-type-${type}`} onClick={() => set({ type })}>
                {t(`type_${type}`)}
              </Button>
            ))}
          </div>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="ct-value">{draft.type === "amount" ? t("valueAmount") : t("valuePercent")}</Label>
          <Input id="ct-value" data-testid="ct-value" disabled={inline} inputMode="decimal" value={draft.value} onChange={(ev) => set({ value: ev.target.value })} />
          {error("value")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="ct-min">{t("minSpend")}</Label>
          <Input id="ct-min" data-testid="ct-min" disabled={inline} inputMode="decimal" value={draft.minSpend} onChange={(ev) => set({ minSpend: ev.target.value })} />
          {error("minSpend")}
        </div>
        {draft.type === "percent" && (
          <div className="space-y-1.5">
            <Label htmlFor="ct-cap">{t("maxDiscount")}</Label>
            <Input id="ct-cap" data-testid="ct-cap" inputMode="decimal" value={draft.maxDiscount} placeholder={t("noCap")} onChange={(ev) => set({ maxDiscount: ev.target.value })} />
            {error("maxDiscount")}
          </div>
        )}
      </div>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("validity")}</legend>
        <div className="flex gap-2">
          {(["days", "range"] as const).map((kind) => (
            <Button key={kind} type="button" size="sm" variant={draft.validityKind === kind ? "default" : "outline"} onClick={() => set({ validityKind: kind })}>
              {t(`validity_${kind}`)}
            </Button>
          ))}
        </div>
        {draft.validityKind === "days" ? (
          <div className="flex items-center gap-2">
            <Input className="w-24" data-testid="ct-days" inputMode="numeric" value={draft.days} onChange={(ev) => set({ days: ev.target.value })} />
            <span className="text-sm">{t("daysFromIssue")}</span>
          </div>
        ) : (
          <div className="grid grid-cols-2 gap-3">
            <Input type="datetime-local" aria-label={t("from")} value={draft.from} onChange={(ev) => set({ from: ev.target.value })} />
            <Input type="datetime-local" aria-label={t("to")} value={draft.to} onChange={(ev) => set({ to: ev.target.value })} />
          </div>
        )}
        {error("validity.days")}
        {error("validity.from")}
        {error("validity.to")}
      </fieldset>

      <div className="space-y-1.5">
        <Label>{t("products")}</Label>
        <MultiSelect
          options={products.options}
          selectedOptions={products.selectedOptions}
          footnote={products.footnote}
          loading={products.loading}
          onSearchChange={setProductSearch}
          value={draft.productIds}
          onValueChange={(productIds) => set({ productIds })}
          placeholder={t("wholeOrder")}
        />
      </div>
      <div className="space-y-1.5">
        <Label>{t("categories")}</Label>
        <MultiSelect options={categories.options} value={draft.categoryIds} onValueChange={(categoryIds) => set({ categoryIds })} placeholder={t("wholeOrder")} />
        <p className="text-muted-foreground text-xs">{t("scopeHint")}</p>
      </div>

      <div className="grid grid-cols-3 gap-3">
        <div className="space-y-1.5">
          <Label htmlFor="ct-stock">{t("totalLimit")}</Label>
          <Input id="ct-stock" data-testid="ct-stock" inputMode="numeric" value={draft.totalLimit} placeholder={t("unlimited")} onChange={(ev) => set({ totalLimit: ev.target.value })} />
          {error("totalLimit")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="ct-per-member">{t("perMemberMax")}</Label>
          <Input id="ct-per-member" inputMode="numeric" value={draft.perMemberMax} onChange={(ev) => set({ perMemberMax: ev.target.value })} />
          {error("perMemberMax")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="ct-prefix">{t("codePrefix")}</Label>
          <Input id="ct-prefix" data-testid="ct-prefix" value={draft.codePrefix} placeholder="WELCOME-" onChange={(ev) => set({ codePrefix: ev.target.value.toUpperCase() })} />
          {error("codePrefix")}
        </div>
      </div>
      <p className="text-muted-foreground text-xs">{t("codeHint", { example: `${draft.codePrefix.toUpperCase()}7KQ2M9XD41B3A5C` })}</p>

      {(create.error || update.error) && <p className="text-destructive text-sm">{(create.error ?? update.error)!.message}</p>}
      <div className="flex items-center gap-2">
        <Button type="submit" data-testid="ct-save" hidden={!mayEdit} disabled={create.isPending || update.isPending}>
          {t("save")}
        </Button>
        {e && (
          <Button type="button" variant="outline" disabled={archive.isPending} onClick={() => archive.mutate({ id: e.id, archived: !e.archivedAt })} data-testid="ct-archive" hidden={!mayEdit}>
            {e.archivedAt ? t("unarchive") : t("archive")}
          </Button>
        )}
      </div>

      {e && (
        <div className="space-y-2 border-t pt-4">
          <h3 className="text-sm font-semibold">{t("revisions")}</h3>
          <ul className="space-y-1 text-sm" data-testid="ct-revisions">
            {e.revisions.map((r) => (
              <li key={r.revision} className="flex justify-between gap-2">
                <span>
                  {t("revision", { revision: r.revision })} · {r.name} · {r.type === "amount" ? t("amountOff", { value: r.value }) : t("percentOff", { value: r.value })}
                </span>
                <span className="text-muted-foreground">{format.dateTime(r.createdAt, { dateStyle: "medium" })}</span>
              </li>
            ))}
          </ul>
          <h3 className="pt-2 text-sm font-semibold">{t("usedBy")}</h3>
          {e.flows.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("noFlows")}</p>
          ) : (
            <div className="flex flex-wrap gap-1">
              {e.flows.map((f) => (
                <Badge key={f.id} variant="secondary">
                  <a href={`/flows/${f.id}`}>{f.name}</a>
                </Badge>
              ))}
            </div>
          )}
        </div>
      )}
    </form>
  );
}
