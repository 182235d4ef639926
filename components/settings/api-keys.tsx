"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { DEFAULT_RATE_LIMIT, storefrontScopes, type StorefrontScope } from "@/server/storefront/scopes";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { ShownOnce } from "./shown-once";

const scopeMessage = { "wallet:read": "wallet_read", "coupons:redeem": "coupons_redeem", "events:write": "events_write", "members:write": "members_write" } as const satisfies Record<StorefrontScope, string>;

/** Storefront API keys: create (the secret shown once), see when each was last used, revoke. */
export function ApiKeys() {
  const t = useTranslations("settings.keys");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.storefront.keys.queryOptions());
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<StorefrontScope[]>(["wallet:read", "coupons:redeem", "events:write"]);
  const [rate, setRate] = useState(String(DEFAULT_RATE_LIMIT));
  const [created, setCreated] = useState<{ key: string; prefix: string } | null>(null);
  // "Last used 3 minutes ago" is relative to when the list was fetched (the same on server and client).
  const fetchedAt = new Date(keys.dataUpdatedAt || 0);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.storefront.keys.queryKey() });
  const create = useMutation(
    trpc.storefront.createKey.mutationOptions({
      onSuccess: (key) => {
        setCreated({ key: key.key, prefix: key.prefix });
        setName("");
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.storefront.revokeKey.mutationOptions({ onSuccess: () => void refresh() }));
  const fieldError = (field: string) =>
    (create.error?.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors?.[field]?.[0];

  return (
    <section className="space-y-4" data-testid="api-keys">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="text-muted-foreground text-sm">{t("description")}</p>
        </div>
        <div className="flex gap-2">
          <Button variant="outline" size="sm" asChild>
            <Link href="/settings/storefront-demo">{t("demo")}</Link>
          </Button>
          <Button variant="outline" size="sm" asChild>
            <Link href="/settings/api-reference">{t("reference")}</Link>
          </Button>
        </div>
      </div>

      <form
        className="bg-card grid gap-4 rounded-lg border p-4 md:grid-cols-[1fr_auto_auto_auto] md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, scopes, rateLimit: Number(rate) });
        }}
      >
        <div className="space-y-1.5">
          <Label htmlFor="key-name">{t("name")}</Label>
          <Input id="key-name" data-testid="key-name" value={name} placeholder={t("namePlaceholder")} onChange={(e) => setName(e.target.value)} />
          {fieldError("name") && <p className="text-destructive text-xs">{fieldError("name")}</p>}
        </div>
        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium">{t("scopes")}</legend>
          <div className="flex flex-wrap gap-3">
            {storefrontScopes.map((scope) => (
              <label key={scope} className="flex items-center gap-1.5 text-sm">
                <Checkbox
                  data-testid={`scope-${scope}`}
                  checked={scopes.includes(scope)}
                  onCheckedChange={(on) => setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)))}
                />
                <span title={t(`scope.${scopeMessage[scope]}`)}>{scope}</span>
              </label>
            ))}
          </div>
          {fieldError("scopes") && <p className="text-destructive text-xs">{fieldError("scopes")}</p>}
        </fieldset>
        <div className="space-y-1.5">
          <Label htmlFor="key-rate">{t("rate")}</Label>
          <Input id="key-rate" className="w-28" inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} />
          {fieldError("rateLimit") && <p className="text-destructive text-xs">{fieldError("rateLimit")}</p>}
        </div>
        <Button type="submit" data-testid="create-key" disabled={create.isPending}>
          <KeyRoundIcon /> {t("create")}
        </Button>
      </form>

      {created && <ShownOnce testId="new-key" title={t("shownOnce", { prefix: created.prefix })} secret={created.key} onDone={() => setCreated(null)} />}

      {keys.data && keys.data.length === 0 ? (
        <EmptyState icon={KeyRoundIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Table data-testid="keys-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("prefix")}</TableHead>
              <TableHead>{t("scopes")}</TableHead>
              <TableHead className="text-right">{t("rate")}</TableHead>
              <TableHead>{t("created")}</TableHead>
              <TableHead>{t("lastUsed")}</TableHead>
              <TableHead />
            </TableRow>
          </TableHeader>
          <TableBody>
            {keys.data?.map((key) => (
              <TableRow key={key.id} data-testid={`key-row-${key.prefix}`}>
                <TableCell className="font-medium">{key.name}</TableCell>
                <TableCell className="font-mono text-xs">{key.prefix}</TableCell>
                <TableCell>
                  <div className="flex flex-wrap gap-1">
                    {key.scopes.map((s) => (
                      <Badge key={s} variant="secondary">
                        {s}
                      </Badge>
                    ))}
                  </div>
                </TableCell>
                <TableCell className="text-right tabular-nums">{format.number(key.rateLimit)}/s</TableCell>
                <TableCell>{format.dateTime(key.createdAt, { dateStyle: "medium" })}</TableCell>
                <TableCell>{key.lastUsedAt ? format.relativeTime(key.lastUsedAt, fetchedAt > key.lastUsedAt ? fetchedAt : key.lastUsedAt) : t("never")}</TableCell>
                <TableCell className="text-right">
                  {key.revokedAt ? (
                    <Badge variant="outline">{t("revoked", { when: format.dateTime(key.revokedAt, { dateStyle: "medium" }) })}</Badge>
                  ) : (
                    <Button
                      size="sm"
                      variant="outline"
                      data-testid={`revoke-${key.prefix}`}
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(t("revokeConfirm", { name: key.name }))) revoke.mutate({ id: key.id });
                      }}
                    >
                      {t("revoke")}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
