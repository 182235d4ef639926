import { cn } from "@/lib/utils";

/** The memberflow mark: a trigger node branching into two groups. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 28 28" className={cn("size-7 shrink-0", className)} aria-hidden focusable="false">
      <rect width="28" height="28" rx="7" className="fill-primary" />
      <path
        d="M8 14C14 14 14 8.5 20 8.5M8 14C14 14 14 19.5 20 19.5"
        fill="none"
        stroke="white"
        strokeOpacity="0.75"
        strokeWidth="1.75"
        strokeLinecap="round"
      />
      <circle cx="8" cy="14" r="2.75" fill="white" />
      <circle cx="20" cy="8.5" r="2.25" fill="white" />
      <circle cx="20" cy="19.5" r="2.25" fill="white" fillOpacity="0.85" />
    </svg>
  );
}

/** Mark plus wordmark; `name` comes from messages (common.appName). */
export function Logo({ name, className }: { name: string; className?: string }) {
  return (
    <span className={cn("flex items-center gap-2.5", className)}>
      <LogoMark />
      <span className="text-[15px] font-semibold tracking-tight text-foreground">{name}</span>
    </span>
  );
}
