"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

import { useTRPC } from "@/trpc/react";
import type { EditorDoc } from "./model";

export type SaveState =
  | { status: "saved"; at: Date }
  | { status: "dirty" }
  | { status: "saving" }
  | { status: "conflict" }
  | { status: "error"; message: string };

export const AUTOSAVE_DELAY_MS = 800;

type Options = { flowId: string; doc: EditorDoc; name: string; baseUpdatedAt: Date; disabled?: boolean };

/**
 * Debounced autosave of the draft with optimistic concurrency: every save names the draft time
 * it was based on; a newer save by someone else is a conflict, never silently overwritten.
 */
export function useAutosave({ flowId, doc, name, baseUpdatedAt, disabled }: Options) {
  const trpc = useTRPC();
  const save = useMutation(trpc.flows.saveDraft.mutationOptions());
  const [state, setState] = useState<SaveState>({ status: "saved", at: baseUpdatedAt });

  const base = useRef(baseUpdatedAt);
  const saved = useRef<{ doc: EditorDoc; name: string }>({ doc, name });
  const latest = useRef({ doc, name });
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const blocked = useRef(false);

  useEffect(() => {
    latest.current = { doc, name };
  }, [doc, name]);

  const flushRef = useRef<() => Promise<void>>(async () => {});
  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flushRef.current(), AUTOSAVE_DELAY_MS);
  }, []);

  const isDirty = useCallback(() => latest.current.doc !== saved.current.doc || latest.current.name !== saved.current.name, []);

  const flush = useCallback(async (): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (inFlight.current) await inFlight.current;
    if (blocked.current || !isDirty()) return;
    const { doc: sending, name: sendingName } = latest.current;
    setState({ status: "saving" });
    const run = (async () => {
      try {
        const result = await save.mutateAsync({
          id: flowId,
          draft: sending.draft,
          layout: sending.layout,
          baseUpdatedAt: base.current,
          ...(sendingName.trim() ? { name: sendingName.trim() } : {}),
        });
        base.current = result.draftUpdatedAt;
        saved.current = { doc: sending, name: sendingName };
        setState(isDirty() ? { status: "dirty" } : { status: "saved", at: result.draftUpdatedAt });
      } catch (error) {
        if (error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "CONFLICT") {
          blocked.current = true;
          setState({ status: "conflict" });
        } else {
          setState({ status: "error", message: error instanceof Error ? error.message : String(error) });
        }
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
    // Edits made while saving go out next.
    if (!blocked.current && isDirty()) schedule();
    // `save` is a new object each render; its mutateAsync is stable enough for a save in flight.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flowId, isDirty, schedule]);
  useEffect(() => {
    flushRef.current = flush;
  }, [flush]);

  useEffect(() => {
    if (disabled || blocked.current) return;
    if (doc === saved.current.doc && name === saved.current.name) return;
    setState((s) => (s.status === "saving" ? s : { status: "dirty" }));
    schedule();
  }, [doc, name, disabled, schedule]);

  // Leaving with unsaved edits: save now, and let the browser ask when a save cannot finish.
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden" && isDirty()) void flush();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!isDirty() || blocked.current) return;
      void flush();
      event.preventDefault();
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("beforeunload", onBeforeUnload);
      if (isDirty()) void flush();
    };
  }, [flush, isDirty]);

  /** After a reload or revert: the server's draft is the new baseline. */
  const rebase = useCallback((next: { doc: EditorDoc; name: string; updatedAt: Date }) => {
    if (timer.current) clearTimeout(timer.current);
    blocked.current = false;
    base.current = next.updatedAt;
    saved.current = { doc: next.doc, name: next.name };
    latest.current = { doc: next.doc, name: next.name };
    setState({ status: "saved", at: next.updatedAt });
  }, []);

  return { state, flush, rebase, isDirty };
}
