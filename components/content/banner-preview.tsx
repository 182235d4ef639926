"use client";

import { useState } from "react";
import { AppWindowIcon, ImageIcon, ImageOffIcon, LinkIcon, MonitorIcon, SmartphoneIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";

export type PreviewPlacement = { name: string; width: number; height: number; surface: string };

const surfaceIcons: Record<string, typeof SmartphoneIcon> = { app: SmartphoneIcon, web: MonitorIcon, miniprogram: AppWindowIcon };

/**
 * A banner as its placement frames it: the placement's aspect ratio, the image cropped to fill it
 * (as storefronts draw it), the title on it and where a click goes underneath. `maxHeight` keeps
 * tall placements (pop-ups) from filling the screen.
 */
export function BannerPreview({
  placement,
  src,
  title,
  link,
  maxHeight = 260,
  compact = false,
  className,
}: {
  placement: PreviewPlacement | null;
  src: string | null;
  title: string;
  link: string;
  maxHeight?: number;
  compact?: boolean;
  className?: string;
}) {
  const t = useTranslations("contentBanners.preview");
  // Keyed by src: a new image gets a fresh chance to load.
  const [failed, setFailed] = useState<string | null>(null);
  if (!placement) {
    return <div className={cn("text-muted-foreground flex h-24 items-center justify-center rounded-md border border-dashed text-sm", className)}>{t("pickPlacement")}</div>;
  }
  const Icon = surfaceIcons[placement.surface] ?? SmartphoneIcon;
  const ratio = placement.width / placement.height;
  const broken = src !== null && failed === src;

  return (
    <figure className={cn("space-y-1.5", className)} data-testid="banner-preview">
      {!compact && (
        <figcaption className="text-muted-foreground flex items-center gap-1.5 text-xs">
          <Icon className="size-3.5" aria-hidden />
          <span>{placement.name}</span>
          <span aria-hidden>·</span>
          <span className="tabular-nums" data-testid="banner-preview-size">{placement.width}×{placement.height}</span>
        </figcaption>
      )}
      <div
        className="bg-muted relative overflow-hidden rounded-md border shadow-xs"
        style={{ aspectRatio: `${placement.width} / ${placement.height}`, width: `min(100%, ${Math.round(maxHeight * ratio)}px)` }}
        data-testid="banner-frame"
        data-ratio={ratio.toFixed(3)}
      >
        {src && !broken ? (
          // eslint-disable-next-line @next/next/no-img-element -- uploads and external storefront images, shown as the storefront shows them
          <img src={src} alt={title} className="absolute inset-0 size-full object-cover" onError={() => setFailed(src)} data-testid="banner-preview-image" />
        ) : (
          <div className="text-muted-foreground absolute inset-0 flex flex-col items-center justify-center gap-1 p-2 text-center text-xs">
            {broken ? <ImageOffIcon className="size-5" aria-hidden /> : <ImageIcon className="size-5" aria-hidden />}
            {!compact && <span>{broken ? t("broken") : t("noImage", { width: placement.width, height: placement.height })}</span>}
          </div>
        )}
        {title && (
          <div className={cn("absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/70 to-transparent text-white", compact ? "px-2 pt-4 pb-1 text-xs" : "px-3 pt-6 pb-2 text-sm")}>
            <p className="truncate font-semibold drop-shadow-sm" data-testid="banner-preview-title">{title}</p>
          </div>
        )}
      </div>
      {!compact && (
        <p className="text-muted-foreground flex min-w-0 items-center gap-1 text-xs" data-testid="banner-preview-link">
          <LinkIcon className="size-3 shrink-0" aria-hidden />
          <span className="truncate">{link ? t("opens", { link }) : t("noLink")}</span>
        </p>
      )}
    </figure>
  );
}

/** What a marketer should know about an image in a placement: another shape is cropped, a smaller one blurs. */
export function fitNotes(image: { width: number; height: number } | null, placement: { width: number; height: number } | null): ("cropped" | "small")[] {
  if (!image || !placement) return [];
  const notes: ("cropped" | "small")[] = [];
  if (Math.abs(image.width / image.height - placement.width / placement.height) / (placement.width / placement.height) > 0.02) notes.push("cropped");
  if (image.width < placement.width || image.height < placement.height) notes.push("small");
  return notes;
}
