// Run after `npm install` changes package-lock.json (npm run lockfile:complete).
//
// The npm registry these machines reach does not serve some platform-specific optional
// packages (macOS/Windows/Android builds of next's SWC, tailwind's oxide, unrs-resolver).
// npm then writes a lock file without them, and `npm ci` refuses it as "out of sync".
// A lock file made against the full registry lists them with their os/cpu, and npm skips
// them on other platforms without downloading anything. This adds those entries back.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;
const present = new Set(Object.keys(packages).map((path) => path.split("node_modules/").pop()));

const OS = ["darwin", "win32", "android", "freebsd", "linux", "openharmony", "sunos", "aix"];
const CPU = { arm64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x", wasm32: "wasm32" };

function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.map((t) => CPU[t]).find(Boolean);
  const libc = tokens.some((t) => t.startsWith("musl")) ? "musl" : tokens.some((t) => t.startsWith("gnu")) ? "glibc" : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [parentPath, meta] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (present.has(name)) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) continue; // not a platform build: leave it for npm to report
    if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`${parentPath} wants ${name}@${version}: not an exact version`);
    packages[`node_modules/${name}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      ...(os ? { os: [os] } : {}),
    };
    present.add(name);
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: ${added} platform-specific optional package${added === 1 ? "" : "s"} added`);
