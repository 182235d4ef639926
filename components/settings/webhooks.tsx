"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SendIcon, WebhookIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { deliveryStatuses, webhookTopics, type DeliveryStatus, type WebhookTopic } from "@/server/storefront/webhooks/topics";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { ShownOnce } from "./shown-once";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const topicMessage = { "coupon.issued": "coupon_issued", "banner.issued": "banner_issued", "price.issued": "price_issued" } as const satisfies Record<WebhookTopic, string>;
const statusVariant: Record<DeliveryStatus, "default" | "secondary" | "destructive" | "outline"> = {
  pending: "outline",
  sending: "secondary",
  delivered: "default",
  failed: "destructive",
};

/** Storefront webhooks: subscribe a URL to what flows issue, see every delivery and attempt. */
export function Webhooks() {
  const t = useTranslations("settings.webhooks");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Deliveries move on their own (the sender runs every minute): the list follows.
  const webhooks = useQuery({ ...trpc.storefront.webhooks.queryOptions(), refetchInterval: 10_000 });
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [topics, setTopics] = useState<WebhookTopic[]>(["coupon.issued"]);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [open, setOpen] = useState<{ id: string; name: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.storefront.webhooks.queryKey() });
  const create = useMutation(
    trpc.storefront.createWebhook.mutationOptions({
      onSuccess: (hook) => {
        setCreated({ name: hook.name, secret: hook.secret });
        setName("");
        setUrl("");
        void refresh();
      },
    }),
  );
  const enable = useMutation(trpc.storefront.setWebhookEnabled.mutationOptions({ onSuccess: () => void refresh() }));
  const test = useMutation(trpc.storefront.testWebhook.mutationOptions({ onSuccess: () => void refresh() }));
  const fieldError = (field: string) =>
    (create.error?.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors?.[field]?.[0];

  return (
    <section className="space-y-4" data-testid="webhooks">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-muted-foreground text-sm">{t("description")}</p>
      </div>

      <form
        className="bg-card grid gap-4 rounded-lg border p-4 md:grid-cols-[1fr_2fr_auto_auto] md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, url, topics });
        }}
      >
        <div className="space-y-1.5">
          <Label htmlFor="webhook-name">{t("name")}</Label>
          <Input id="webhook-name" data-testid="webhook-name" value={name} placeholder={t("namePlaceholder")} onChange={(e) => setName(e.target.value)} />
          {fieldError("name") && <p className="text-destructive text-xs">{fieldError("name")}</p>}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="webhook-url">{t("url")}</Label>
          <Input id="webhook-url" data-testid="webhook-url" value={url} placeholder="https://shop.example.com/memberflow" onChange={(e) => setUrl(e.target.value)} />
          {fieldError("url") && <p className="text-destructive text-xs" data-testid="webhook-url-error">{fieldError("url")}</p>}
        </div>
        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium">{t("topics")}</legend>
          <div className="flex flex-wrap gap-3">
            {webhookTopics.map((topic) => (
              <label key={topic} className="flex items-center gap-1.5 text-sm" title={t(`topic.${topicMessage[topic]}`)}>
                <Checkbox
                  data-testid={`topic-${topic}`}
                  checked={topics.includes(topic)}
                  onCheckedChange={(on) => setTopics((s) => (on ? [...s, topic] : s.filter((x) => x !== topic)))}
                />
                {topic}
              </label>
            ))}
          </div>
          {fieldError("topics") && <p className="text-destructive text-xs">{fieldError("topics")}</p>}
        </fieldset>
        <Button type="submit" data-testid="create-webhook" disabled={create.isPending}>
          <WebhookIcon /> {t("create")}
        </Button>
      </form>

      {created && (
        <ShownOnce testId="new-webhook-secret" title={t("secretShownOnce", { name: created.name })} secret={created.secret} hint={t("verifyHint")} onDone={() => setCreated(null)} />
      )}

      {webhooks.data && webhooks.data.length === 0 ? (
        <EmptyState icon={WebhookIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Table data-testid="webhooks-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("topics")}</TableHead>
              <TableHead className="text-right">{t("waiting")}</TableHead>
              <TableHead>{t("deliveries")}</TableHead>
              <TableHead>{t("lastAttempt")}</TableHead>
              <TableHead />
            </TableRow>
          </TableHeader>
          <TableBody>
            {webhooks.data?.map((hook) => (
              <TableRow key={hook.id} data-testid={`webhook-row-${hook.name}`}>
                <TableCell>
                  <div className="font-medium">{hook.name}</div>
                  <div className="text-muted-foreground max-w-72 truncate font-mono text-xs" title={hook.url}>
                    {hook.url}
                  </div>
                  {hook.disabledAt && (
                    <Badge variant="outline" className="mt-1" title={hook.disabledReason ?? undefined}>
                      {t("off", { when: format.dateTime(hook.disabledAt, { dateStyle: "medium", timeStyle: "short" }) })}
                    </Badge>
                  )}
                </TableCell>
                <TableCell>
                  <div className="flex flex-wrap gap-1">
                    {hook.topics.map((topic) => (
                      <Badge key={topic} variant="secondary">
                        {topic}
                      </Badge>
                    ))}
                  </div>
                </TableCell>
                <TableCell className="text-right tabular-nums">{format.number(hook.waitingEvents)}</TableCell>
                <TableCell className="text-xs tabular-nums" data-testid={`webhook-counts-${hook.name}`}>
                  {deliveryStatuses
                    .filter((s) => hook.deliveries[s] > 0)
                    .map((s) => t(`status.${s}`) + " " + format.number(hook.deliveries[s]))
                    .join(" · ") || "—"}
                </TableCell>
                <TableCell className="text-xs">
                  {hook.lastAttempt ? (
                    <>
                      <span className={hook.lastAttempt.responseStatus && hook.lastAttempt.responseStatus < 300 ? "" : "text-destructive"}>
                        {hook.lastAttempt.responseStatus ?? hook.lastAttempt.error}
                      </span>{" "}
                      <span className="text-muted-foreground">{format.dateTime(hook.lastAttempt.at, { dateStyle: "short", timeStyle: "medium" })}</span>
                    </>
                  ) : (
                    t("never")
                  )}
                </TableCell>
                <TableCell>
                  <div className="flex justify-end gap-2">
                    <Button size="sm" variant="outline" data-testid={`webhook-test-${hook.name}`} disabled={!!hook.disabledAt || test.isPending} onClick={() => test.mutate({ id: hook.id })}>
                      <SendIcon /> {t("test")}
                    </Button>
                    <Button size="sm" variant="outline" data-testid={`webhook-open-${hook.name}`} onClick={() => setOpen({ id: hook.id, name: hook.name })}>
                      {t("showDeliveries")}
                    </Button>
                    <Button size="sm" variant="ghost" disabled={enable.isPending} onClick={() => enable.mutate({ id: hook.id, enabled: !!hook.disabledAt })}>
                      {hook.disabledAt ? t("turnOn") : t("turnOff")}
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Sheet open={!!open} onOpenChange={(o) => !o && setOpen(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-2xl">
          <SheetHeader>
            <SheetTitle>{t("deliveriesOf", { name: open?.name ?? "" })}</SheetTitle>
            <SheetDescription>{t("deliveriesDescription")}</SheetDescription>
          </SheetHeader>
          {open && <Deliveries webhookId={open.id} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const t = useTranslations("settings.webhooks");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus | undefined>(undefined);
  const [before, setBefore] = useState<string | undefined>(undefined);
  const input = { webhookId, status, before, limit: 20 };
  const deliveries = useQuery({ ...trpc.storefront.deliveries.queryOptions(input), refetchInterval: 5_000 });
  const again = useMutation(
    trpc.storefront.redeliver.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.storefront.deliveries.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.storefront.webhooks.queryKey() });
      },
    }),
  );

  return (
    <div className="space-y-3 px-4 pb-6" data-testid="webhook-deliveries">
      <div className="flex flex-wrap gap-2">
        {[undefined, ...deliveryStatuses].map((s) => (
          <Button
            key={s ?? "all"}
            size="sm"
            variant={status === s ? "default" : "outline"}
            onClick={() => {
              setStatus(s);
              setBefore(undefined);
            }}
          >
            {s ? t(`status.${s}`) : t("all")}
          </Button>
        ))}
      </div>
      {deliveries.data?.deliveries.length === 0 && <p className="text-muted-foreground text-sm">{t("noDeliveries")}</p>}
      {deliveries.data?.deliveries.map((d) => (
        <details key={d.id} className="rounded-lg border p-3 text-sm" data-testid={`delivery-${d.id}`}>
          <summary className="flex cursor-pointer flex-wrap items-center gap-2">
            <Badge variant={statusVariant[d.status as DeliveryStatus]}>{t(`status.${d.status as DeliveryStatus}`)}</Badge>
            <span className="font-mono text-xs">#{d.id}</span>
            <span>{t("events", { count: d.eventCount })}</span>
            <span className="text-muted-foreground">{format.dateTime(d.createdAt, { dateStyle: "short", timeStyle: "medium" })}</span>
            <span className="text-muted-foreground">{t("attempts", { count: d.attempts })}</span>
            {d.nextAttemptAt && <span className="text-muted-foreground">{t("nextAttempt", { when: format.dateTime(d.nextAttemptAt, { timeStyle: "medium" }) })}</span>}
            {(d.status === "failed" || d.status === "delivered") && (
              <Button
                size="sm"
                variant="outline"
                className="ml-auto"
                disabled={again.isPending}
                onClick={(e) => {
                  e.preventDefault();
                  again.mutate({ id: d.id });
                }}
              >
                {t("redeliver")}
              </Button>
            )}
          </summary>
          <Table className="mt-2">
            <TableHeader>
              <TableRow>
                <TableHead>#</TableHead>
                <TableHead>{t("at")}</TableHead>
                <TableHead>{t("response")}</TableHead>
                <TableHead className="text-right">ms</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {d.attemptLog.map((a) => (
                <TableRow key={a.attempt}>
                  <TableCell>{a.attempt}</TableCell>
                  <TableCell className="text-xs">{format.dateTime(a.startedAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
                  <TableCell className="text-xs">
                    <span className={a.responseStatus && a.responseStatus < 300 ? "" : "text-destructive"}>{a.responseStatus ?? "—"}</span>{" "}
                    {a.error ?? a.responseExcerpt}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{a.durationMs}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <pre className="bg-muted mt-2 max-h-64 overflow-auto rounded p-2 font-mono text-xs">{pretty(d.body)}</pre>
        </details>
      ))}
      {deliveries.data?.nextBefore && (
        <Button size="sm" variant="outline" onClick={() => setBefore(deliveries.data?.nextBefore ?? undefined)}>
          {t("older")}
        </Button>
      )}
    </div>
  );
}

const pretty = (body: string) => {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};
