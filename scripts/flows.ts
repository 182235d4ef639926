// `npm run flows -- list | export ID | import FILE [--publish]` — the same JSON as the UI's
// export and import, so flows can be kept in git and moved between installs.
import { readFileSync } from "node:fs";
import { createPrismaClient } from "../server/prisma-client";
import { DomainError } from "../server/errors";
import { exportFlow, importFlow, listFlows, FlowError } from "../server/flows/service";
import { withDatabase } from "./lib/dev-database";

const usage = `usage:
  npm run flows -- list
  npm run flows -- export FLOW_ID > flow.json
  npm run flows -- import flow.json [--publish]`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function main() {
  const [command, arg, ...rest] = process.argv.slice(2);
  if (!command || !["list", "export", "import"].includes(command)) fail(usage);
  if ((command === "export" || command === "import") && !arg) fail(usage);
  let fileContent: unknown;
  if (command === "import") {
    try {
      fileContent = JSON.parse(readFileSync(arg!, "utf8"));
    } catch (error) {
      fail(`cannot read ${arg}: ${error instanceof Error ? error.message : error}`);
    }
  }

  await withDatabase(async (url) => {
    const db = createPrismaClient(url, 2);
    try {
      if (command === "list") {
        for (const f of await listFlows(db)) {
          console.log(`${f.id}\t${f.status}\tv${f.currentVersion?.version ?? "-"}\t${f.name}`);
        }
      } else if (command === "export") {
        process.stdout.write(JSON.stringify(await exportFlow(db, arg!), null, 2) + "\n");
      } else {
        const { flow, published } = await importFlow(db, fileContent, { publish: rest.includes("--publish") }, "cli");
        console.error(`imported "${flow.name}" as ${flow.id}${published ? `, published as version ${published.version}` : " (draft)"}`);
        console.log(flow.id);
      }
    } finally {
      await db.$disconnect();
    }
  });
}

main().catch((error: unknown) => {
  if (error instanceof FlowError && error.issues.length > 0) {
    console.error(error.message);
    for (const issue of error.issues.filter((i) => i.severity === "error")) {
      console.error(`  - ${issue.nodeId ? `[${issue.nodeId}] ` : ""}${issue.message.en}`);
    }
    process.exit(1);
  }
  fail(error instanceof DomainError || error instanceof Error ? error.message : String(error), 1);
});
