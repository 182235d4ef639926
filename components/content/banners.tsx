"use client";

import { BannerCreatives } from "@/components/content/banner-creatives";
import { BannerPlacements } from "@/components/content/banner-placements";

/** Banners in the Coupons & content library: the creatives flows show, and the placements they show in. */
export function Banners() {
  return (
    <div className="space-y-10" data-testid="banners">
      <BannerCreatives />
      <BannerPlacements />
    </div>
  );
}
