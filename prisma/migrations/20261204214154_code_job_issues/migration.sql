-- AlterEnum
ALTER TYPE "CodeJobStatus" ADD VALUE 'CANCELLED';

-- CreateTable
CREATE TABLE "code_job_issue" (
    "job_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "code_job_issue_pkey" PRIMARY KEY ("job_id","line")
);

-- AddForeignKey
ALTER TABLE "code_job_issue" ADD CONSTRAINT "code_job_issue_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "code_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
