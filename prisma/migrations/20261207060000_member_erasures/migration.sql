-- CreateTable
CREATE TABLE "member_erasures" (
    "member_id" INTEGER NOT NULL,
    "erased_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "erased_by" TEXT NOT NULL,

    CONSTRAINT "member_erasures_pkey" PRIMARY KEY ("member_id")
);
