-- CreateTable
CREATE TABLE "login_in_flight" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_in_flight_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_in_flight_email_address_idx" ON "login_in_flight"("email", "address");
