import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// The library as the builder sees it: a price list, a banner creative and an SMS template made in
// the library are picked on the canvas (each node switched from "describe here" to the library),
// the flow is published and run for one member, and each library item then counts what it did.

async function trpc<T>(request: APIRequestContext, path: string, input: unknown, mutation = false): Promise<T> {
  const response = mutation
    ? await request.post(`/api/trpc/${path}`, { data: { json: input } })
    : await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function pick(page: Page, label: string, option: string) {
  const inspector = page.getByTestId("inspector");
  await inspector.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: new RegExp(option) }).click();
}

test("a price list, a banner and a message template from the library are picked on the canvas and counted after the flow runs", async ({ page, request }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const { options: [category] } = await trpc<{ options: { value: number }[] }>(request, "audiences.options", { source: "categories", limit: 1 });
  const list = await trpc<{ id: string }>(
    request,
    "content.createPriceList",
    { name: `E2E list ${stamp}`, target: { type: "categories", categoryIds: [category!.value] }, price: { type: "percent_off", percent: 12 }, validity: { kind: "days", days: 5 } },
    true,
  );
  const creative = await trpc<{ id: string }>(
    request,
    "content.banners.createCreative",
    { name: `E2E banner ${stamp}`, placementId: "app_home_top", image: { kind: "url", url: "https://cdn.example.com/e2e.png" }, title: "Member week", link: "/member-week", validity: { kind: "days", days: 3 } },
    true,
  );
  const message = await trpc<{ id: string }>(
    request,
    "content.messages.create",
    { name: `E2E sms ${stamp}`, channel: "sms", body: "{{member.name}}，{{flow.name}} 会员周开始了" },
    true,
  );

  // A flow whose three actions are described inline, as a template would leave them.
  const nodes = [
    { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
    { id: "price", kind: "member_price", name: "Member price", config: { list: { mode: "inline", target: { type: "categories", categoryIds: [category!.value] }, price: { type: "percent_off", percent: 5 }, validDays: 2 } } },
    { id: "banner", kind: "show_banner", name: "Banner", config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/inline.png", title: "Inline", link: "/", validDays: 2 } } },
    { id: "sms", kind: "send_notification", name: "SMS", config: { channel: "sms", content: { mode: "inline", title: "", body: "inline text" } } },
    { id: "done", kind: "exit", name: "Done", config: {} },
  ];
  const edges = [
    { id: "e0", source: "start", branch: "out", target: "price" },
    { id: "e1", source: "price", branch: "out", target: "banner" },
    { id: "e2", source: "banner", branch: "out", target: "sms" },
    { id: "e3", source: "sms", branch: "out", target: "done" },
  ];
  const flowName = `E2E library picks ${stamp}`;
  const flowId = await importFlow(page, flowFile(flowName, nodes, edges));
  const inspector = page.getByTestId("inspector");

  await page.getByTestId("flow-node-price").click();
  await expect(inspector).toHaveAttribute("data-node-id", "price");
  await inspector.getByTestId("price-mode").getByRole("radio", { name: "From the library" }).click();
  await pick(page, "Price list", `E2E list ${stamp}`);

  await page.getByTestId("flow-node-banner").click();
  await expect(inspector).toHaveAttribute("data-node-id", "banner");
  await inspector.getByTestId("banner-mode").getByRole("radio", { name: "From the library" }).click();
  await pick(page, "Banner creative", `E2E banner ${stamp}`);
  await expect(inspector.getByTestId("banner-preview")).toBeVisible();

  await page.getByTestId("flow-node-sms").click();
  await expect(inspector).toHaveAttribute("data-node-id", "sms");
  await inspector.getByTestId("notification-content-mode").getByRole("radio", { name: "Use a template" }).click();
  await pick(page, "Message template", `E2E sms ${stamp}`);
  await expect(inspector.getByTestId("notification-preview")).toContainText("会员周开始了");

  // The canvas says what each node now gives, by its library item's name.
  await expect(page.getByTestId("flow-node-price")).toContainText(`E2E list ${stamp}`);
  await expect(page.getByTestId("flow-node-sms")).toContainText(`E2E sms ${stamp}`);

  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  const [memberId] = await runHook<number[]>("pick", flowId, "1");
  await runHook("run", flowId, String(memberId));

  // Each library item counts the member it reached, and names the flow that uses it.
  const listed = await trpc<{ figures: { set: number }; flows: { id: string }[] }>(request, "content.priceList", { id: list.id });
  expect(listed.figures.set).toBe(1);
  expect(listed.flows.map((f) => f.id)).toEqual([flowId]);
  const shown = await trpc<{ figures: { issued: number }; flows: { id: string }[] }>(request, "content.banners.creative", { id: creative.id });
  expect(shown.figures.issued).toBe(1);
  expect(shown.flows.map((f) => f.id)).toEqual([flowId]);
  const sent = await trpc<{ figures: { messages: number }; flows: { id: string }[] }>(request, "content.messages.get", { id: message.id });
  expect(sent.figures.messages).toBe(1);
  expect(sent.flows.map((f) => f.id)).toEqual([flowId]);
  // The message as the member got it: the engine filled the member and the flow's name.
  const outbox = await trpc<{ rows: { body: string }[] }>(request, "content.messages.outbox", { flowId, pageSize: 5 });
  expect(outbox.rows).toHaveLength(1);
  expect(outbox.rows[0]!.body).toContain(`${flowName} 会员周开始了`);
});
