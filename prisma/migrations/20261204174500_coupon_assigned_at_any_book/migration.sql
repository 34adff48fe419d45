-- hand-written: coupons(assignedAfter, assignedBefore) across all books, newest first. The
-- (book_id, assigned_at) index serves a book's window, but with no book the planner could only
-- skip-scan it or walk the primary key, and it chose the walk when its sample made the window
-- look common (the plan test failed on a fresh seed). Partial like coupon_assigned_at_idx, so
-- generating codes writes nothing here. Built CONCURRENTLY, alone in its migration, as coupon
-- takes every claim: a build that fails leaves an INVALID index, drop it before applying again.
CREATE INDEX CONCURRENTLY "coupon_assigned_at_any_book_idx" ON "coupon" ("assigned_at", "id") WHERE "assigned_at" IS NOT NULL;
