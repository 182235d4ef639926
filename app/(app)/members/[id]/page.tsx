import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";

import { getT } from "@/lib/i18n/server";
import { getMember } from "@/server/members/service";
import { rowIdSchema } from "@/server/text";
import { db } from "@/server/db";
import { MemberDetail } from "@/components/members/member-detail";

type Props = { params: Promise<{ id: string }> };

// An address past int4 is no member (not a database error).
const memberId = z.coerce.number<string>().pipe(rowIdSchema);

async function load(params: Props["params"]) {
  const parsed = memberId.safeParse((await params).id);
  if (!parsed.success) notFound();
  const member = await getMember(db, parsed.data);
  if (!member) notFound();
  return member;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const t = await getT("members");
  const parsed = memberId.safeParse((await params).id);
  const member = parsed.success ? await db.member.findUnique({ where: { id: parsed.data }, select: { name: true } }) : null;
  return { title: member ? `${member.name} · ${t("title")}` : t("title") };
}

export default async function MemberPage({ params }: Props) {
  const member = await load(params);
  return <MemberDetail member={member} />;
}
