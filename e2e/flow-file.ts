// A flow file as the UI's import reads it (the format of `npm run flows -- export`), for browser
// tests that start from a known flow.
type Node = { id: string; kind: string; name: string; config: unknown };
type Edge = { id: string; source: string; branch: string; target: string };

export const flowFile = (name: string, nodes: Node[], edges: Edge[]) => ({
  format: "memberflow.flow",
  formatVersion: 1,
  name,
  description: "",
  definition: {
    nodes,
    edges,
    settings: { timezone: "Asia/Shanghai", reEntry: { mode: "once" }, frequencyCaps: {}, quietHours: null, sendRateLimits: {}, goal: null, conversionWindowDays: 7 },
  },
  layout: {},
});

/** The file as the import input takes it. */
export const flowUpload = (file: ReturnType<typeof flowFile>) => ({ name: "flow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
