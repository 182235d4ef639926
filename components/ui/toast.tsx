"use client";

import * as React from "react";
import { Toast as ToastPrimitive } from "radix-ui";
import { CircleAlertIcon, CircleCheckIcon, InfoIcon, XIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";

/**
 * A tiny toast store. Call `toast({ title, description, variant })` (or `toast.success(title)`,
 * `toast.error(title, description)`) from any client code; <Toaster /> is mounted once in the
 * app providers. Pass already-translated text.
 */
export type ToastVariant = "default" | "success" | "error";
export type ToastInput = {
  title: string;
  description?: string;
  variant?: ToastVariant;
  /** ms; defaults to 5000 (errors 8000). */
  duration?: number;
  action?: { label: string; onClick: () => void };
};
type ToastRecord = ToastInput & { id: number; open: boolean };

let records: ToastRecord[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());
const EMPTY: ToastRecord[] = [];

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function dismissToast(id: number) {
  records = records.map((r) => (r.id === id ? { ...r, open: false } : r));
  emit();
  // Leave time for the exit animation, then drop it.
  setTimeout(() => {
    records = records.filter((r) => r.id !== id);
    emit();
  }, 200);
}

export function toast(input: ToastInput): number {
  const id = nextId++;
  records = [...records.slice(-4), { ...input, id, open: true }];
  emit();
  return id;
}
toast.success = (title: string, description?: string) => toast({ title, description, variant: "success" });
toast.error = (title: string, description?: string) => toast({ title, description, variant: "error" });
toast.dismiss = dismissToast;

const icons = {
  default: <InfoIcon className="size-4 text-muted-foreground" aria-hidden />,
  success: <CircleCheckIcon className="size-4 text-success" aria-hidden />,
  error: <CircleAlertIcon className="size-4 text-destructive" aria-hidden />,
} satisfies Record<ToastVariant, React.ReactNode>;

export function Toaster() {
  const t = useTranslations("common");
  const items = React.useSyncExternalStore(subscribe, () => records, () => EMPTY);
  return (
    <ToastPrimitive.Provider swipeDirection="right" label={t("notifications")}>
      {items.map((item) => {
        const variant = item.variant ?? "default";
        return (
          <ToastPrimitive.Root
            key={item.id}
            open={item.open}
            onOpenChange={(open) => {
              if (!open) dismissToast(item.id);
            }}
            duration={item.duration ?? (variant === "error" ? 8000 : 5000)}
            type={variant === "error" ? "foreground" : "background"}
            className={cn(
              "group pointer-events-auto relative flex w-full items-start gap-3 rounded-lg border bg-popover p-4 pr-9 text-popover-foreground shadow-lg data-[state=closed]:animate-toast-out data-[state=open]:animate-toast-in data-[swipe=cancel]:translate-x-0 data-[swipe=cancel]:transition-transform data-[swipe=end]:translate-x-(--radix-toast-swipe-end-x) data-[swipe=move]:translate-x-(--radix-toast-swipe-move-x)",
              variant === "error" && "border-destructive/30",
            )}
          >
            <span className="mt-0.5">{icons[variant]}</span>
            <div className="flex min-w-0 flex-1 flex-col gap-1">
              <ToastPrimitive.Title className="text-sm font-medium">{item.title}</ToastPrimitive.Title>
              {item.description ? (
                <ToastPrimitive.Description className="text-sm text-muted-foreground">
                  {item.description}
                </ToastPrimitive.Description>
              ) : null}
              {item.action ? (
                <ToastPrimitive.Action
                  altText={item.action.label}
                  onClick={item.action.onClick}
                  className="mt-1 w-fit rounded-md border px-2.5 py-1 text-xs font-medium outline-none hover:bg-muted focus-visible:ring-[3px] focus-visible:ring-ring/40"
                >
                  {item.action.label}
                </ToastPrimitive.Action>
              ) : null}
            </div>
            <ToastPrimitive.Close
              aria-label={t("close")}
              className="absolute top-3 right-3 rounded-md p-0.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40"
            >
              <XIcon className="size-4" aria-hidden />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        );
      })}
      <ToastPrimitive.Viewport
        // Radix fills in {hotkey} itself; pass the placeholder through the ICU message.
        label={t("notificationsRegion", { hotkey: "{hotkey}" })}
        className="fixed right-0 bottom-0 z-[100] flex max-h-dvh w-full flex-col gap-2 p-4 outline-none sm:max-w-sm" />
    </ToastPrimitive.Provider>
  );
}
