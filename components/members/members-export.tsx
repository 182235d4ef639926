"use client";

// "Export CSV" for the list as filtered and sorted. The file is read as a stream so the button can
// show rows done / total (the server sends the total first, then one member per line) and the
// export can be cancelled; the download starts when the last row has arrived.
import { useEffect, useRef, useState } from "react";
import { DownloadIcon, Loader2Icon, XIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { memberSearchParams, type MemberQuery } from "@/server/members/schemas";
import { Button } from "@/components/ui/button";

type State =
  | { phase: "idle" }
  | { phase: "running"; done: number; total: number | null }
  | { phase: "finished"; count: number }
  | { phase: "failed"; message: string };

const NEWLINE = 10;

export function MembersExport({ query }: { query: MemberQuery }) {
  const t = useTranslations("members.export");
  const format = useFormatter();
  const [state, setState] = useState<State>({ phase: "idle" });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: "running", done: 0, total: null });
    try {
      const response = await fetch(`/api/members/export?${memberSearchParams(query)}`, { signal: controller.signal });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? response.statusText);
      }
      const total = Number(response.headers.get("x-total-count"));
      const reader = response.body.getReader();
      controller.signal.addEventListener("abort", () => void reader.cancel().catch(() => undefined));
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (const byte of value) if (byte === NEWLINE) lines++;
        // The first line is the header.
        setState({ phase: "running", done: Math.max(0, lines - 1), total });
      }
      // Cancelling ends the read early: that is no file.
      if (controller.signal.aborted) throw controller.signal.reason;
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "members.csv";
      const url = URL.createObjectURL(new Blob(chunks, { type: "text/csv;charset=utf-8" }));
      const link = Object.assign(document.createElement("a"), { href: url, download: name });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ phase: "finished", count: Math.max(0, lines - 1) });
    } catch (error) {
      if (controller.signal.aborted) setState({ phase: "idle" });
      else setState({ phase: "failed", message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  }

  if (state.phase === "running") {
    const percent = state.total ? Math.min(100, Math.round((state.done / state.total) * 100)) : 0;
    return (
      <div className="flex items-center gap-2" data-testid="members-export-progress">
        <Loader2Icon className="size-4 animate-spin text-muted-foreground" aria-hidden />
        <div className="flex w-44 flex-col gap-1">
          <div className="h-1.5 rounded-full bg-muted" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label={t("button")}>
            <div className="h-1.5 rounded-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
          </div>
          <span className="text-xs text-muted-foreground tabular-nums">
            {state.total === null ? t("starting") : t("progress", { done: format.number(state.done), total: format.number(state.total) })}
          </span>
        </div>
        <Button variant="ghost" size="icon-sm" onClick={() => abort.current?.abort()} aria-label={t("cancel")} title={t("cancel")}>
          <XIcon />
        </Button>
      </div>
    );
  }
  return (
    <div className="flex items-center gap-2">
      {state.phase === "finished" ? (
        <span className="text-xs text-muted-foreground" role="status" data-testid="members-export-done">
          {t("done", { count: state.count })}
        </span>
      ) : state.phase === "failed" ? (
        <span className="max-w-64 truncate text-xs text-destructive" role="alert" title={state.message}>
          {t("failed", { message: state.message })}
        </span>
      ) : null}
      <Button variant="outline" size="sm" onClick={run} title={t("hint")}>
        <DownloadIcon /> {t("button")}
      </Button>
    </div>
  );
}
