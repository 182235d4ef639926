"use client";

import { useRef, useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MessageSquareTextIcon, PlusIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import {
  channelLabels,
  channelLimits,
  channels,
  messageTemplateInput,
  notificationVariables,
  unknownVariables,
  variablesIn,
  type Channel,
  type MessageTemplateInput,
} from "@/server/content/message-template-schema";
import { smsSegments } from "@/server/engine/messaging/render";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import type { ComboboxOption } from "@/components/ui/combobox";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { MemberPicker } from "./message-member-picker";
import { MessageCard } from "./message-card";

type Draft = { channel: Channel; name: string; description: string; title: string; body: string };
const emptyDraft: Draft = { channel: "sms", name: "", description: "", title: "", body: "" };

/** The message template library: figures per template, and a sheet to create, edit and preview one. */
export function MessageTemplates() {
  // The server refuses edits to roles without "editContent"; the buttons are not offered to them.
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentMessages.templates");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const [channel, setChannel] = useState<Channel | null>(null);
  const [editing, setEditing] = useState<{ id: string | null } | null>(null);
  const list = useQuery(trpc.content.messages.list.queryOptions({ archived, ...(channel ? { channel } : {}) }));
  const percent = (v: number | null) => (v === null ? "—" : format.number(v, { style: "percent", maximumFractionDigits: 1 }));

  return (
    <section className="space-y-4" data-testid="message-templates">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-muted-foreground max-w-3xl text-sm">{t("description")}</p>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap gap-1" role="group" aria-label={t("channel")}>
          <Button size="sm" variant={channel === null ? "default" : "outline"} onClick={() => setChannel(null)}>
            {t("allChannels")}
          </Button>
          {channels.map((c) => (
            <Button key={c} size="sm" variant={channel === c ? "default" : "outline"} onClick={() => setChannel(c)} data-testid={`mt-filter-${c}`}>
              {channelLabels[c][locale]}
            </Button>
          ))}
        </div>
        <div className="flex items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={archived} onCheckedChange={setArchived} data-testid="mt-show-archived" />
            {t("showArchived")}
          </label>
          <Button data-testid="new-message-template" hidden={!mayEdit} onClick={() => setEditing({ id: null })}>
            <PlusIcon /> {t("new")}
          </Button>
        </div>
      </div>

      {list.data && list.data.length === 0 ? (
        <EmptyState icon={MessageSquareTextIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Table data-testid="message-templates-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("message")}</TableHead>
              <TableHead className="text-right">{t("sent")}</TableHead>
              <TableHead className="text-right">{t("opened")}</TableHead>
              <TableHead className="text-right">{t("clicked")}</TableHead>
              <TableHead>{t("usedBy")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data?.map((row) => (
              <TableRow key={row.id} className="cursor-pointer" data-testid={`message-template-${row.name}`} data-id={row.id} onClick={() => setEditing({ id: row.id })}>
                <TableCell className="max-w-64 whitespace-normal">
                  <div className="font-medium">{row.name}</div>
                  <div className="text-muted-foreground flex flex-wrap items-center gap-1 text-xs">
                    <Badge variant="outline">{channelLabels[row.channel][locale]}</Badge>
                    {row.sourceFlowId && <span>{t("inline")}</span>}
                    {row.archivedAt && <Badge variant="muted">{t("archived")}</Badge>}
                  </div>
                </TableCell>
                <TableCell className="text-muted-foreground max-w-md text-sm whitespace-normal">
                  {row.title && <div className="text-foreground line-clamp-1 font-medium">{withVariables(row.title, locale)}</div>}
                  <div className="line-clamp-2">{withVariables(row.body, locale)}</div>
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-sent">
                  {format.number(row.figures.sent)}
                  {row.figures.failed > 0 && <div className="text-destructive text-xs">{t("failedCount", { count: row.figures.failed })}</div>}
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-opened">
                  {format.number(row.figures.opened)}
                  <div className="text-muted-foreground text-xs">{percent(row.figures.openRate)}</div>
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-clicked">
                  {format.number(row.figures.clicked)}
                  <div className="text-muted-foreground text-xs">{percent(row.figures.clickRate)}</div>
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
        <SheetContent className="w-full overflow-y-auto sm:max-w-3xl">
          <SheetHeader>
            <SheetTitle>{editing?.id ? t("edit") : t("new")}</SheetTitle>
            <SheetDescription>{t("formDescription")}</SheetDescription>
          </SheetHeader>
          {editing && <TemplateForm key={editing.id ?? "new"} id={editing.id} onDone={() => setEditing(null)} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

const variableLabel = (name: string, locale: "en" | "zh-CN") =>
  Object.hasOwn(notificationVariables, name) ? notificationVariables[name as keyof typeof notificationVariables][locale] : name;

/** A template text with its variables set apart, so the fixed words read as words. */
function withVariables(text: string, locale: "en" | "zh-CN") {
  return text.split(/(\{\{\s*[^}]*?\s*\}\})/g).map((part, i) =>
    i % 2 === 1 ? (
      <span key={i} className="bg-muted text-foreground/80 rounded px-1 font-mono text-[11px]">
        {variableLabel(part.replace(/^\{\{\s*|\s*\}\}$/g, ""), locale)}
      </span>
    ) : (
      part
    ),
  );
}

function TemplateForm({ id, onDone }: { id: string | null; onDone: () => void }) {
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentMessages.templates");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery({ ...trpc.content.messages.get.queryOptions({ id: id ?? "" }), enabled: id !== null });
  const [draft, setDraft] = useState<Draft | null>(id === null ? emptyDraft : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [member, setMember] = useState<ComboboxOption | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastField = useRef<"title" | "body">("body");

  if (draft === null && existing.data) {
    const e = existing.data;
    setDraft({ channel: e.channel, name: e.name, description: e.description, title: e.title, body: e.body });
  }

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.content.messages.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.messages.get.queryKey() });
    onDone();
  };
  const serverErrors = (error: unknown) => {
    const data = (error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } | null; domainError?: { details?: { field?: string } | null } | null } }).data;
    const byPath: Record<string, string> = {};
    for (const [path, messages] of Object.entries(data?.zodError?.fieldErrors ?? {})) if (messages[0]) byPath[path.replace(/^template\./, "")] = localizeSchemaMessage(messages[0])[locale];
    const field = data?.domainError?.details?.field;
    if (field) byPath[field] = (error as Error).message;
    setErrors(byPath);
  };
  const create = useMutation(trpc.content.messages.create.mutationOptions({ onSuccess: done, onError: serverErrors }));
  const update = useMutation(trpc.content.messages.update.mutationOptions({ onSuccess: done, onError: serverErrors }));
  const archive = useMutation(trpc.content.messages.archive.mutationOptions({ onSuccess: done }));

  const debouncedDraft = useDebouncedValue(draft, 300);
  const limits = channelLimits[draft?.channel ?? "sms"];
  const previewText = debouncedDraft ? { channel: debouncedDraft.channel, title: limits.title === null ? "" : debouncedDraft.title, body: debouncedDraft.body } : null;
  const preview = useQuery({
    ...trpc.content.messages.preview.queryOptions({ ...(previewText ?? { channel: "sms", title: "", body: "" }), memberId: Number(member?.value ?? 0), locale }),
    enabled: !!member && !!previewText && previewText.body.trim().length > 0 && previewText.body.length <= 10000,
    placeholderData: (previous) => previous,
  });

  if (!draft) return <p className="text-muted-foreground px-4 text-sm">{t("loading")}</p>;
  const e = existing.data;
  const inline = !!e?.sourceFlowId;
  const channelLocked = inline || (e?.flows.length ?? 0) > 0;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const toInput = (d: Draft): MessageTemplateInput => ({ ...d, title: channelLimits[d.channel].title === null ? "" : d.title });
  // Unknown variables are flagged as they are typed, not only on save.
  const unknownIn = (field: "title" | "body") => unknownVariables(draft[field]);
  const error = (path: string) => errors[path] && <p className="text-destructive text-xs" data-testid={`mt-error-${path}`}>{errors[path]}</p>;
  const save = () => {
    const parsed = messageTemplateInput.safeParse(toInput(draft));
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
  const insert = (name: string) => {
    const field = limits.title !== null && lastField.current === "title" ? "title" : "body";
    const el = field === "title" ? titleRef.current : bodyRef.current;
    const snippet = `{{${name}}}`;
    const current = draft[field];
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    set({ [field]: current.slice(0, start) + snippet + current.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };
  // Counted on what the member gets: the preview once a member is picked, the text as written before.
  const counted = draft.channel === "sms" ? (preview.data && member ? preview.data.body : draft.body) : null;
  const segments = counted === null ? null : smsSegments(counted);
  const unknownNote = (field: "title" | "body") =>
    unknownIn(field).length > 0 ? (
      <p className="text-destructive text-xs" data-testid={`mt-unknown-${field}`}>
        {t("unknownVariables", { names: unknownIn(field).map((n) => `{{${n}}}`).join(", ") })}
      </p>
    ) : null;

  return (
    <div className="grid gap-6 px-4 pb-6 lg:grid-cols-[1fr_minmax(0,20rem)]">
      <form
        className="space-y-4"
        data-testid="message-template-form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {inline && (
          <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950">
            {t("inlineNote")}{" "}
            <Link className="underline" href={`/flows/${e!.sourceFlowId}`}>
              {t("openFlow")}
            </Link>
          </p>
        )}
        <div className="space-y-1.5">
          <Label>{t("channel")}</Label>
          <div className="flex flex-wrap gap-1">
            {channels.map((c) => (
              <Button
                key={c}
                type="button"
                size="sm"
                variant={draft.channel === c ? "default" : "outline"}
                disabled={channelLocked && draft.channel !== c}
                data-testid={`mt-channel-${c}`}
                onClick={() => set({ channel: c })}
              >
                {channelLabels[c][locale]}
              </Button>
            ))}
          </div>
          {channelLocked && !inline && <p className="text-muted-foreground text-xs">{t("channelLocked")}</p>}
          {error("channel")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="mt-name">{t("name")}</Label>
          <Input id="mt-name" data-testid="mt-name" value={draft.name} placeholder={t("namePlaceholder")} onChange={(ev) => set({ name: ev.target.value })} />
          {error("name")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="mt-description">{t("descriptionLabel")}</Label>
          <Input id="mt-description" value={draft.description} onChange={(ev) => set({ description: ev.target.value })} />
          {error("description")}
        </div>
        {limits.title !== null && (
          <div className="space-y-1.5">
            <Label htmlFor="mt-title">{draft.channel === "email" ? t("subject") : t("titleLabel")}</Label>
            <Input
              id="mt-title"
              ref={titleRef}
              data-testid="mt-title"
              value={draft.title}
              readOnly={inline}
              aria-invalid={!!errors.title || unknownIn("title").length > 0 || undefined}
              onFocus={() => (lastField.current = "title")}
              onChange={(ev) => set({ title: ev.target.value })}
            />
            {unknownNote("title")}
            {error("title")}
          </div>
        )}
        <div className="space-y-1.5">
          <Label htmlFor="mt-body">{draft.channel === "webhook" ? t("payload") : t("body")}</Label>
          <Textarea
            id="mt-body"
            ref={bodyRef}
            data-testid="mt-body"
            rows={draft.channel === "email" ? 10 : 5}
            className={draft.channel === "webhook" ? "font-mono text-xs" : undefined}
            value={draft.body}
            readOnly={inline}
            placeholder={draft.channel === "webhook" ? '{"member": "{{member.name}}"}' : undefined}
            aria-invalid={!!errors.body || unknownIn("body").length > 0 || undefined}
            onFocus={() => (lastField.current = "body")}
            onChange={(ev) => set({ body: ev.target.value })}
          />
          <div className="text-muted-foreground flex flex-wrap justify-between gap-2 text-xs">
            <span data-testid="mt-length">{t("length", { count: draft.body.length, max: limits.body })}</span>
            {segments && (
              <span data-testid="mt-segments" className={segments.segments > 1 ? "text-warning-foreground font-medium" : undefined}>
                {t("segments", { segments: segments.segments, characters: segments.characters, encoding: segments.encoding === "gsm7" ? "GSM-7" : "UCS-2" })}
                {" · "}
                {member && preview.data ? t("segmentsForMember") : t("segmentsAsWritten")}
              </span>
            )}
          </div>
          {segments?.encoding === "ucs2" && <p className="text-muted-foreground text-xs">{t("ucs2Hint")}</p>}
          {unknownNote("body")}
          {error("body")}
        </div>
        {!inline && (
          <div className="space-y-1">
            <span className="text-xs font-medium">{t("insertVariable")}</span>
            <div className="flex flex-wrap gap-1" role="group" aria-label={t("insertVariable")}>
              {Object.entries(notificationVariables).map(([name, label]) => (
                <button
                  key={name}
                  type="button"
                  title={label[locale]}
                  data-testid={`mt-var-${name}`}
                  onMouseDown={(ev) => ev.preventDefault()}
                  onClick={() => insert(name)}
                  className="bg-muted/50 text-muted-foreground hover:border-primary hover:text-primary rounded border px-1.5 py-0.5 font-mono text-[11px]"
                >
                  {label[locale]} <span className="opacity-70">{`{{${name}}}`}</span>
                </button>
              ))}
            </div>
          </div>
        )}

        {(create.error || update.error) && Object.keys(errors).length === 0 && <p className="text-destructive text-sm">{(create.error ?? update.error)!.message}</p>}
        <div className="flex items-center gap-2">
          <Button type="submit" data-testid="mt-save" hidden={!mayEdit} disabled={create.isPending || update.isPending}>
            {t("save")}
          </Button>
          {e && (
            <Button type="button" variant="outline" disabled={archive.isPending} onClick={() => archive.mutate({ id: e.id, archived: !e.archivedAt })} data-testid="mt-archive" hidden={!mayEdit}>
              {e.archivedAt ? t("unarchive") : t("archive")}
            </Button>
          )}
          {e && (
            <Link className="text-primary ml-auto text-sm underline-offset-2 hover:underline" href={`/content?tab=outbox&templateId=${encodeURIComponent(e.id)}`}>
              {t("inOutbox")}
            </Link>
          )}
        </div>
        {e?.archivedAt && <p className="text-muted-foreground text-xs">{t("archivedNote")}</p>}

        {e && (
          <div className="space-y-2 border-t pt-4 text-sm">
            <h3 className="font-semibold">{t("figures")}</h3>
            <p className="text-muted-foreground">
              {t("figuresLine", { messages: e.figures.messages, sent: e.figures.sent, opened: e.figures.opened, clicked: e.figures.clicked, suppressed: e.figures.suppressed, failed: e.figures.failed })}
            </p>
            <h3 className="pt-2 font-semibold">{t("usedBy")}</h3>
            {e.flows.length === 0 ? (
              <p className="text-muted-foreground">{t("noFlows")}</p>
            ) : (
              <div className="flex flex-wrap gap-1" data-testid="mt-flows">
                {e.flows.map((f) => (
                  <Badge key={f.id} variant="secondary">
                    <Link href={`/flows/${f.id}`}>{f.name}</Link>
                  </Badge>
                ))}
              </div>
            )}
            <p className="text-muted-foreground text-xs">{t("updated", { at: format.dateTime(e.updatedAt, { dateStyle: "medium", timeStyle: "short" }) })}</p>
          </div>
        )}
      </form>

      <aside className="space-y-3" data-testid="mt-preview">
        <h3 className="text-sm font-semibold">{t("preview")}</h3>
        <MemberPicker value={member} onChange={setMember} placeholder={t("previewMember")} searchPlaceholder={t("previewSearch")} testId="mt-preview-member" />
        {!member ? (
          <p className="text-muted-foreground text-xs">{t("previewHint")}</p>
        ) : preview.error ? (
          <p className="text-destructive text-xs">{preview.error.message}</p>
        ) : preview.data ? (
          <>
            <MessageCard channel={preview.data.channel} title={preview.data.title} body={preview.data.body} testId="mt-preview-card" />
            {preview.data.coupon.source === "sample" && [...variablesIn(draft.title), ...variablesIn(draft.body)].some((v) => v.startsWith("coupon.")) && (
              <p className="rounded-md border border-amber-300 bg-amber-50 p-2 text-xs dark:bg-amber-950" data-testid="mt-sample-coupon">
                {t("sampleCoupon")}
              </p>
            )}
            {preview.data.suppressedReason && (
              <p className="text-warning-foreground text-xs" data-testid="mt-preview-suppressed">
                {t("wouldBeSuppressed", { reason: t(`reason_${preview.data.suppressedReason}` as "reason_no_consent") })}
              </p>
            )}
            <details className="text-xs">
              <summary className="text-muted-foreground cursor-pointer">{t("values")}</summary>
              <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1" data-testid="mt-preview-values">
                {Object.entries(preview.data.variables).map(([name, value]) => (
                  <div key={name} className="contents">
                    <dt className="text-muted-foreground">{notificationVariables[name as keyof typeof notificationVariables]?.[locale] ?? name}</dt>
                    <dd className="break-all">
                      {value === null ? <span className="text-muted-foreground">—</span> : String(value)}
                      {name.startsWith("coupon.") && preview.data!.coupon.source === "sample" && value !== null && <span className="text-muted-foreground"> ({t("sample")})</span>}
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
            <p className="text-muted-foreground text-[11px]">{t("previewEngineNote")}</p>
          </>
        ) : (
          <p className="text-muted-foreground text-xs">{draft.body.trim() ? t("loading") : t("previewEmpty")}</p>
        )}
      </aside>
    </div>
  );
}
