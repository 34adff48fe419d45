-- AlterTable
ALTER TABLE "code_job" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "lease_id" UUID,
ADD COLUMN     "params" JSONB;

-- CreateIndex
CREATE INDEX "code_job_status_heartbeat_at_idx" ON "code_job"("status", "heartbeat_at");

-- CreateIndex
CREATE INDEX "idempotency_record_created_at_idx" ON "idempotency_record"("created_at");
