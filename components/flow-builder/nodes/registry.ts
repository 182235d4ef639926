// One inspector per node kind. A Record over NodeKind: a kind without an inspector fails the type check.
import type { ComponentType } from "react";

import type { NodeKind } from "@/server/flows/kinds";
import type { InspectorProps } from "./fields";
import { ScheduleTriggerInspector } from "./schedule_trigger/inspector";
import { EventTriggerInspector } from "./event_trigger/inspector";
import { DateTriggerInspector } from "./date_trigger/inspector";
import { AudienceTriggerInspector } from "./audience_trigger/inspector";
import { ManualTriggerInspector } from "./manual_trigger/inspector";
import { SplitInspector } from "./split/inspector";
import { RandomSplitInspector } from "./random_split/inspector";
import { IssueCouponInspector } from "./issue_coupon/inspector";
import { MemberPriceInspector } from "./member_price/inspector";
import { SendNotificationInspector } from "./send_notification/inspector";
import { ShowBannerInspector } from "./show_banner/inspector";
import { TagInspector } from "./tag/inspector";
import { PointsInspector } from "./points/inspector";
import { WebhookInspector } from "./webhook/inspector";
import { DelayInspector } from "./delay/inspector";
import { WaitUntilInspector } from "./wait_until/inspector";
import { WaitForResponseInspector } from "./wait_for_response/inspector";
import { ExitInspector } from "./exit/inspector";

export type InspectorComponent = ComponentType<InspectorProps>;

export const inspectors: Record<NodeKind, InspectorComponent> = {
  schedule_trigger: ScheduleTriggerInspector,
  event_trigger: EventTriggerInspector,
  date_trigger: DateTriggerInspector,
  audience_trigger: AudienceTriggerInspector,
  manual_trigger: ManualTriggerInspector,
  split: SplitInspector,
  random_split: RandomSplitInspector,
  issue_coupon: IssueCouponInspector,
  member_price: MemberPriceInspector,
  send_notification: SendNotificationInspector,
  show_banner: ShowBannerInspector,
  tag: TagInspector,
  points: PointsInspector,
  webhook: WebhookInspector,
  delay: DelayInspector,
  wait_until: WaitUntilInspector,
  wait_for_response: WaitForResponseInspector,
  exit: ExitInspector,
};
