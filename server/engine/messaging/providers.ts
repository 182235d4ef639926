// Where rendered messages go: one provider per channel, chosen from the environment at start.
import nodemailer from "nodemailer";
import type { Channel } from "@/server/flows/kinds/shared";
import { signPayload, unixSeconds, SIGNATURE_HEADER } from "@/server/signing";

export type { Channel };

/** One rendered message for one member, as the sender hands it to a provider. */
export type OutgoingMessage = {
  notificationId: number;
  channel: Channel;
  to: { memberId: number; externalId: string; email: string | null; phone: string | null };
  title: string;
  body: string;
};

export interface MessageProvider {
  readonly name: string;
  /** Resolves when the provider accepted the message; throws (with a short message) when not. */
  send(message: OutgoingMessage): Promise<{ providerMessageId?: string }>;
}

export type Providers = Record<Channel, MessageProvider>;


/**
 * Development, tests and in-app messages: the outbox row already keeps the rendered message (the
 * app reads in-app messages from it), so there is nothing more to do.
 */
export const localProvider: MessageProvider = {
  name: "local",
  async send() {
    return {};
  },
};

/** Email over SMTP, e.g. `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. */
export function smtpProvider(url: string, from: string): MessageProvider {
  const transport = nodemailer.createTransport(url);
  return {
    name: "smtp",
    async send(message) {
      if (!message.to.email) throw new Error(`Member ${message.to.externalId} has no email address`);
      const info = await transport.sendMail({ from, to: message.to.email, subject: message.title, text: message.body });
      return { providerMessageId: info.messageId };
    },
  };
}

const HTTP_TIMEOUT_MS = 10_000;

/**
 * An SMS or app push gateway that takes signed JSON over HTTP. Any 2xx is accepted; an `id` in a
 * JSON answer is kept as the provider's message id.
 */
export function httpProvider(name: string, url: string, secret: string, fetchImpl: typeof fetch = fetch): MessageProvider {
  return {
    name,
    async send(message) {
      if (message.channel === "sms" && !message.to.phone) throw new Error(`Member ${message.to.externalId} has no phone number`);
      const body = JSON.stringify(message);
      const response = await fetchImpl(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", [SIGNATURE_HEADER]: signPayload(secret, body, unixSeconds()) },
        body,
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
        // Member data goes only to the configured address, not wherever a redirect points.
        redirect: "manual",
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${name} answered HTTP ${response.status}`);
      return { providerMessageId: messageIdIn(text) };
    },
  };
}

function messageIdIn(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "id" in parsed) {
      const id = parsed.id;
      if (typeof id === "string" || typeof id === "number") return String(id);
    }
  } catch {
    // not JSON: nothing to keep
  }
  return undefined;
}

/**
 * The provider for each channel. Unset channels use `localProvider`, so development needs no
 * accounts; a half-configured channel (an address without its sender or secret) fails at start.
 */
export function providersFromEnv(env: NodeJS.ProcessEnv): Providers {
  const required = (name: string, because: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required when ${because} is set`);
    return value;
  };
  const gateway = (channel: "sms" | "push", variable: string): MessageProvider => {
    const url = env[variable];
    return url ? httpProvider(`${channel}-webhook`, url, required("MEMBERFLOW_WEBHOOK_SECRET", variable)) : localProvider;
  };
  const smtpUrl = env.MEMBERFLOW_EMAIL_SMTP_URL;
  return {
    email: smtpUrl ? smtpProvider(smtpUrl, required("MEMBERFLOW_EMAIL_FROM", "MEMBERFLOW_EMAIL_SMTP_URL")) : localProvider,
    sms: gateway("sms", "MEMBERFLOW_SMS_WEBHOOK_URL"),
    push: gateway("push", "MEMBERFLOW_PUSH_WEBHOOK_URL"),
    // The app is the channel: in-app messages are read from the outbox.
    in_app: localProvider,
    // Webhook nodes queue webhook_deliveries (deliverWebhooks); a notification row on this
    // channel has no address of its own, so it is only recorded.
    webhook: localProvider,
  };
}
