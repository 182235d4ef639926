// Node kinds name their lucide icon (the kind modules stay free of React); resolved here.
import {
  AlarmClockIcon,
  BadgePercentIcon,
  CakeIcon,
  CalendarClockIcon,
  CircleHelpIcon,
  CoinsIcon,
  GalleryHorizontalIcon,
  HandIcon,
  HourglassIcon,
  LogOutIcon,
  MessageSquareReplyIcon,
  SendIcon,
  ShuffleIcon,
  SplitIcon,
  TagsIcon,
  TicketPercentIcon,
  UsersRoundIcon,
  WebhookIcon,
  ZapIcon,
  type LucideIcon,
} from "lucide-react";

const icons: Record<string, LucideIcon> = {
  AlarmClock: AlarmClockIcon,
  BadgePercent: BadgePercentIcon,
  Cake: CakeIcon,
  CalendarClock: CalendarClockIcon,
  Coins: CoinsIcon,
  GalleryHorizontal: GalleryHorizontalIcon,
  Hand: HandIcon,
  Hourglass: HourglassIcon,
  LogOut: LogOutIcon,
  MessageSquareReply: MessageSquareReplyIcon,
  Send: SendIcon,
  Shuffle: ShuffleIcon,
  Split: SplitIcon,
  Tags: TagsIcon,
  TicketPercent: TicketPercentIcon,
  UsersRound: UsersRoundIcon,
  Webhook: WebhookIcon,
  Zap: ZapIcon,
};

/** The icon a node kind names. */
export function KindIcon({ name, className }: { name: string; className?: string }) {
  const Icon = icons[name] ?? CircleHelpIcon;
  return <Icon className={className} aria-hidden />;
}
