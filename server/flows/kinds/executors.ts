// The server registry of node executors: a kind without an executor fails the type check.
// Server-only (the lint rule keeps components/ away from it).
import type { Executor } from "@/server/engine/executor";
import type { NodeKind } from ".";
import { execute as scheduleTrigger } from "./schedule_trigger/execute";
import { execute as eventTrigger } from "./event_trigger/execute";
import { execute as dateTrigger } from "./date_trigger/execute";
import { execute as audienceTrigger } from "./audience_trigger/execute";
import { execute as manualTrigger } from "./manual_trigger/execute";
import { execute as split } from "./split/execute";
import { execute as randomSplit } from "./random_split/execute";
import { execute as issueCoupon } from "./issue_coupon/execute";
import { execute as memberPrice } from "./member_price/execute";
import { execute as sendNotification } from "./send_notification/execute";
import { execute as showBanner } from "./show_banner/execute";
import { execute as tag } from "./tag/execute";
import { execute as points } from "./points/execute";
import { execute as webhook } from "./webhook/execute";
import { execute as delay } from "./delay/execute";
import { execute as waitUntil } from "./wait_until/execute";
import { execute as waitForResponse } from "./wait_for_response/execute";
import { execute as exit } from "./exit/execute";

export const executors: { [K in NodeKind]: Executor<K> } = {
  schedule_trigger: scheduleTrigger,
  event_trigger: eventTrigger,
  date_trigger: dateTrigger,
  audience_trigger: audienceTrigger,
  manual_trigger: manualTrigger,
  split: split,
  random_split: randomSplit,
  issue_coupon: issueCoupon,
  member_price: memberPrice,
  send_notification: sendNotification,
  show_banner: showBanner,
  tag: tag,
  points: points,
  webhook: webhook,
  delay: delay,
  wait_until: waitUntil,
  wait_for_response: waitForResponse,
  exit: exit,
};
