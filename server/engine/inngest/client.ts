// The one Inngest client. In production it talks to Inngest Cloud or a self-hosted Inngest
// (INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY); `npm run dev` sets INNGEST_DEV=1.
import { Inngest } from "inngest";

export const inngest = new Inngest({ id: "memberflow" });
