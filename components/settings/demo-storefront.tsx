"use client";

import { useEffect, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

// A storefront as a shop would write it: it calls the real storefront API from the browser with a
// real key (pasted here, kept in this tab only) and shows one member's wallet, refreshed every two
// seconds, so coupons, banners and prices appear as flows issue them; an order or a redemption
// goes back through the same API.
const V1 = "/api/storefront/v1";
const REFRESH_MS = 2_000;

type Wallet = {
  member: { externalId: string; tier: string; pointsBalance: number };
  coupons: { code: string; name: string; type: string; value: number; minSpend: number; validTo: string }[];
  banners: Record<string, { id: string; title: string; imageUrl: string; link: string | null }[]>;
  prices: { id: string; skus: string[]; price: number | null; percentOff: number | null }[];
};
type Problem = { title: string; detail?: string; code: string };

export function DemoStorefront() {
  const t = useTranslations("settings.demo");
  const format = useFormatter();
  const [key, setKey] = useState("");
  const [member, setMember] = useState("M00000001");
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [total, setTotal] = useState("199");
  const headers = { authorization: `Bearer ${key.trim()}`, "content-type": "application/json" };
  const ready = key.trim().length > 0 && member.trim().length > 0;

  useEffect(() => {
    if (!ready) return;
    let stopped = false;
    const load = async () => {
      const response = await fetch(`${V1}/members/${encodeURIComponent(member.trim())}/wallet`, { headers: { authorization: `Bearer ${key.trim()}` } });
      if (stopped) return;
      if (response.ok) {
        setWallet((await response.json()) as Wallet);
        setProblem(null);
      } else {
        setWallet(null);
        setProblem((await response.json()) as Problem);
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [key, member, ready]);

  const say = (line: string) => setLog((l) => [`${format.dateTime(new Date(), { timeStyle: "medium" })} ${line}`, ...l].slice(0, 20));

  async function redeem(code: string) {
    const response = await fetch(`${V1}/coupons/${encodeURIComponent(code)}/redeem`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ member: member.trim(), cart: { total: Number(total), items: [] } }),
    });
    const body = (await response.json()) as { discount?: number; detail?: string };
    say(response.ok ? t("redeemed", { code, discount: body.discount ?? 0 }) : `${response.status} ${body.detail ?? ""}`);
  }

  async function placeOrder() {
    const id = `demo-${crypto.randomUUID()}`;
    const response = await fetch(`${V1}/events`, {
      method: "POST",
      headers,
      body: JSON.stringify({ events: [{ id, type: "order.placed", member: member.trim(), order: { id, total: Number(total) } }] }),
    });
    const body = (await response.json()) as { accepted?: number; detail?: string; results?: { status: string; reason?: string }[] };
    say(response.ok ? t("ordered", { total: Number(total), status: body.results?.[0]?.status ?? "" }) : `${response.status} ${body.detail ?? ""}`);
  }

  return (
    <div className="space-y-6" data-testid="demo-storefront">
      <div className="bg-card grid gap-4 rounded-lg border p-4 md:grid-cols-[2fr_1fr_1fr]">
        <div className="space-y-1.5">
          <Label htmlFor="demo-key">{t("key")}</Label>
          <Input id="demo-key" data-testid="demo-key" type="password" value={key} placeholder="mf_live_…" onChange={(e) => setKey(e.target.value)} />
          <p className="text-muted-foreground text-xs">{t("keyHint")}</p>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="demo-member">{t("member")}</Label>
          <Input id="demo-member" data-testid="demo-member" value={member} onChange={(e) => setMember(e.target.value)} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="demo-total">{t("cartTotal")}</Label>
          <Input id="demo-total" inputMode="decimal" value={total} onChange={(e) => setTotal(e.target.value)} />
        </div>
      </div>

      {problem && <p className="text-destructive text-sm">{problem.detail ?? problem.title}</p>}
      {!ready && <p className="text-muted-foreground text-sm">{t("start")}</p>}

      {wallet && (
        <div className="grid gap-6 lg:grid-cols-3">
          <section className="space-y-3">
            <h3 className="font-semibold">{t("coupons", { count: wallet.coupons.length })}</h3>
            {wallet.coupons.length === 0 && <p className="text-muted-foreground text-sm">{t("none")}</p>}
            {wallet.coupons.map((c) => (
              <div key={c.code} className="flex items-center justify-between gap-2 rounded-lg border p-3" data-testid={`demo-coupon-${c.code}`}>
                <div>
                  <div className="font-medium">{c.name}</div>
                  <div className="text-muted-foreground font-mono text-xs">{c.code}</div>
                  <div className="text-muted-foreground text-xs">{t("until", { date: format.dateTime(new Date(c.validTo), { dateStyle: "medium" }) })}</div>
                </div>
                <Button size="sm" data-testid={`demo-redeem-${c.code}`} onClick={() => void redeem(c.code)}>
                  {t("redeem")}
                </Button>
              </div>
            ))}
          </section>
          <section className="space-y-3">
            <h3 className="font-semibold">{t("banners")}</h3>
            {Object.keys(wallet.banners).length === 0 && <p className="text-muted-foreground text-sm">{t("none")}</p>}
            {Object.entries(wallet.banners).map(([placement, list]) => (
              <div key={placement} className="space-y-2">
                <Badge variant="secondary">{placement}</Badge>
                {list.map((b) => (
                  <div key={b.id} className="rounded-lg border p-3 text-sm">
                    {b.title}
                  </div>
                ))}
              </div>
            ))}
            <h3 className="pt-2 font-semibold">{t("prices")}</h3>
            {wallet.prices.length === 0 && <p className="text-muted-foreground text-sm">{t("none")}</p>}
            {wallet.prices.map((p) => (
              <div key={p.id} className="rounded-lg border p-3 text-sm">
                {p.skus.join(", ") || "—"}: {p.price !== null ? `¥${p.price}` : `−${p.percentOff}%`}
              </div>
            ))}
          </section>
          <section className="space-y-3">
            <h3 className="font-semibold">{t("member")}</h3>
            <p className="text-sm" data-testid="demo-member-line">
              {wallet.member.externalId} · {wallet.member.tier} · {t("points", { points: wallet.member.pointsBalance })}
            </p>
            <Button variant="outline" data-testid="demo-place-order" onClick={() => void placeOrder()}>
              {t("placeOrder", { total: Number(total) || 0 })}
            </Button>
            <ul className="text-muted-foreground space-y-1 font-mono text-xs" data-testid="demo-log">
              {log.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </div>
  );
}
