// Lists the app's tRPC procedures for the fuzz test: path, query or mutation, and the JSON Schema
// of its input (zod's own conversion), read from the router itself so a new procedure is fuzzed
// without anyone listing it. Run by tsx with the react-server condition (the router's modules are
// server-only); prints JSON on its last line.
import { z } from "zod";
import { appRouter } from "@/server/api/root";

type Procedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] } };

const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures).map(([path, procedure]) => {
  const inputs = procedure._def.inputs;
  const input = inputs.length === 0 ? null : inputs.length === 1 ? inputs[0]! : inputs.reduce((a, b) => a.and(b) as never);
  return { path, type: procedure._def.type, schema: input ? z.toJSONSchema(input, { unrepresentable: "any", io: "input" }) : null };
});
console.log(JSON.stringify(procedures));
process.exit(0);
