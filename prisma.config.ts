import { defineConfig } from 'prisma/config';

// The URL is only needed by the stock Prisma CLI (`prisma migrate deploy` where its engine can be
// downloaded). The project migrates through packages/db (the WASM schema engine) instead.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/coupons' },
});
