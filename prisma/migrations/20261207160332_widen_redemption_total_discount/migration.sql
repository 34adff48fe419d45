-- AlterTable
ALTER TABLE "book_redemption_total" ALTER COLUMN "discount" SET DATA TYPE DECIMAL(38,4);
