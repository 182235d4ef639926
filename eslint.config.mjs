import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// ---------------------------------------------------------------------------------------------
// Client/server boundary.
//
// Code the browser loads (components/, any "use client" file, app/**/*-client.tsx, the tRPC client)
// may import from server/ only these pure modules: no @prisma/client, pg, "server-only",
// @/server/db or Node built-ins, directly or through what they import (enforced for the modules
// themselves by the "pure-server-modules" block below). `*` stands for one path segment, a
// trailing `/**` for any depth (the folder's index included).
//
// Type-only imports from other server modules are violations too: declare the type in the pure
// schema module of its area (e.g. server/members/schemas.ts) and let the service import it there.
// The one exception is `import type { AppRouter } from "@/server/api/root"` in trpc/ (below).
const pureServerModules = [
  "@/server/flows/definition",
  "@/server/flows/canvas",
  "@/server/flows/diff",
  "@/server/flows/validate",
  "@/server/flows/layout",
  "@/server/flows/kinds",
  "@/server/flows/kinds/*/spec",
  "@/server/flows/kinds/spec",
  "@/server/flows/kinds/shared",
  "@/server/flows/kinds/entry",
  "@/server/flows/templates/**",
  "@/server/audiences/condition",
  "@/server/audiences/fields",
  "@/server/audiences/schemas",
  "@/server/events/property-conditions",
  "@/server/members/schemas",
  "@/server/members/privacy-schemas",
  "@/server/auth/roles",
  "@/server/auth/schemas",
  "@/server/audit/schemas",
  "@/server/engine/messaging/render",
  "@/server/storefront/scopes",
  "@/server/text",
  "@/server/analytics/schemas",
  "@/server/decimal",
  "@/server/storefront/webhooks/topics",
  "@/server/content/coupon-template-schema",
  "@/server/content/price-list-schema",
  "@/server/content/banner-schema",
  "@/server/content/message-template-schema",
  "@/server/loyalty/schemas",
  "@/server/loyalty/program-schema",
  "@/server/loyalty/tags/schemas",
  "@/server/loyalty/tiers/program-schema",
  "@/server/loyalty/lifecycle/settings-schema",
];

const CLIENT_MESSAGE = "components/ may import only pure server modules (allow-list in eslint.config.mjs)";
const PURE_MESSAGE =
  "A pure server module (allow-list in eslint.config.mjs) is bundled into the browser: it may import only other pure server modules, never Prisma, pg, server-only or Node built-ins.";

const SEGMENT = "[\\w-]+";
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "@/server/flows/kinds/*\/spec" → regex source for the part after "@/server/". */
function moduleRegex(module) {
  if (!module.startsWith("@/server/")) throw new Error(`pure server module outside @/server/: ${module}`);
  const rest = module.slice("@/server/".length);
  const deep = rest.endsWith("/**");
  const parts = (deep ? rest.slice(0, -3) : rest).split("/").map((part) => {
    if (part === "*") return SEGMENT;
    if (part.includes("*")) throw new Error(`unsupported glob in pure server module: ${module}`);
    return escapeRegex(part);
  });
  return parts.join("/") + (deep ? `(?:/${SEGMENT})*` : "");
}

/** Matches any "@/server…" specifier that is not one of the allowed modules. */
function impureServerRegex(extraAllowed = []) {
  const allowed = [...pureServerModules, ...extraAllowed].map(moduleRegex).join("|");
  return `^@/server(?:$|/(?!(?:${allowed})$))`;
}

/** server/ reached by a relative path would dodge the allow-list. */
const RELATIVE_SERVER_REGEX = "^(?:\\.\\./)+server(?:/|$)";

/** no-restricted-imports does not see `import("…")` or `typeof import("…")`; these selectors do. */
function dynamicImportSelectors(regex, message) {
  // esquery regex literals may not contain "/", even escaped.
  const literal = `/${regex.replaceAll("/", "\\x2F")}/i`;
  return [
    { selector: `ImportExpression[source.value=${literal}]`, message },
    { selector: `TSImportType[argument.literal.value=${literal}]`, message },
  ];
}

function clientBoundaryRules({ extraAllowed = [], paths = [] } = {}) {
  const impure = impureServerRegex(extraAllowed);
  return {
    "no-restricted-imports": [
      "error",
      {
        paths,
        patterns: [
          { regex: impure, message: CLIENT_MESSAGE },
          { regex: RELATIVE_SERVER_REGEX, message: `${CLIENT_MESSAGE}; import server/ through the @/server alias.` },
        ],
      },
    ],
    "no-restricted-syntax": [
      "error",
      ...dynamicImportSelectors(impureServerRegex(), CLIENT_MESSAGE),
      ...dynamicImportSelectors(RELATIVE_SERVER_REGEX, CLIENT_MESSAGE),
    ],
  };
}

/** Files whose directive prologue says "use client" (wherever they live). */
const useClientCache = new Map();
function isUseClientFile(filePath) {
  if (!/\.[cm]?[jt]sx?$/.test(filePath)) return false;
  let result = useClientCache.get(filePath);
  if (result === undefined) {
    try {
      const head = readFileSync(filePath, "utf8").slice(0, 4096).replace(/^\uFEFF/, "");
      result = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*["']use client["']/.test(head);
    } catch {
      result = false;
    }
    useClientCache.set(filePath, result);
  }
  return result;
}

/** The files behind pureServerModules, for the purity check. */
const pureServerFiles = pureServerModules.flatMap((module) => {
  const base = module.slice("@/".length);
  return base.endsWith("/**") ? [`${base}/*.{ts,tsx}`] : [`${base}.{ts,tsx}`, `${base}/index.{ts,tsx}`];
});

const nodeBuiltins = builtinModules.filter((name) => !name.includes("/")).map(escapeRegex).join("|");

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    name: "memberflow/client-server-boundary",
    files: ["components/**/*.{ts,tsx}", "app/**/*-client.tsx", "app/**/page-client.tsx", isUseClientFile],
    rules: clientBoundaryRules(),
  },
  {
    // The tRPC client (and what it shares with the browser). Same allow-list, plus the accepted
    // tRPC pattern: exactly `import type { AppRouter } from "@/server/api/root"`.
    // trpc/server.tsx is "server-only" and may import anything.
    name: "memberflow/client-server-boundary/trpc",
    files: ["trpc/**/*.{ts,tsx}"],
    ignores: ["trpc/server.tsx"],
    rules: clientBoundaryRules({
      extraAllowed: ["@/server/api/root"],
      paths: [
        {
          name: "@/server/api/root",
          allowImportNames: ["AppRouter"],
          message: "trpc/ client files may take only the AppRouter type from @/server/api/root.",
        },
        {
          name: "@/server/api/root",
          importNames: ["AppRouter"],
          allowTypeImports: true,
          message: "Use `import type { AppRouter }`: a value import would bundle the router into the browser.",
        },
      ],
    }),
  },
  {
    name: "memberflow/pure-server-modules",
    files: pureServerFiles,
    ignores: ["**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: impureServerRegex(), message: PURE_MESSAGE },
            { regex: "^(?:@prisma/|prisma$|pg$|pg[/-]|server-only$)", message: PURE_MESSAGE },
            { regex: `^(?:node:|(?:${nodeBuiltins})(?:/|$))`, message: PURE_MESSAGE },
          ],
        },
      ],
      "no-restricted-syntax": ["error", ...dynamicImportSelectors(impureServerRegex(), PURE_MESSAGE)],
    },
  },
];

export default config;
