"use client";

import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";

/** The storefront API reference, rendered by Scalar from the served OpenAPI document (offline: no fonts, no proxy). */
export function ApiReference() {
  return (
    <div className="overflow-hidden rounded-lg border" data-testid="api-reference">
      <ApiReferenceReact
        configuration={{
          url: "/api/storefront/v1/openapi.json",
          withDefaultFonts: false,
          hideClientButton: true,
          hideDarkModeToggle: true,
          showDeveloperTools: "never",
          layout: "modern",
        }}
      />
    </div>
  );
}
