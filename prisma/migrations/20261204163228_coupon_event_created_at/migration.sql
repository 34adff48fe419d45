-- hand-written: the index of schema.prisma's CouponEvent @@index([createdAt]) (busiestBooks: the
-- events of the last minutes by a range scan, however long the outbox grows). Built CONCURRENTLY,
-- alone in its migration (it cannot run inside a transaction block): coupon_event takes an insert
-- from every transition, and a plain CREATE INDEX would hold them all for the whole build. A
-- build that fails leaves an INVALID index behind: drop it before applying the migration again.
CREATE INDEX CONCURRENTLY "coupon_event_created_at_idx" ON "coupon_event"("created_at");
