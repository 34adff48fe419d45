-- AlterTable
ALTER TABLE "webhook_endpoint" ADD COLUMN     "start_open_event_ids" BIGINT[] DEFAULT ARRAY[]::BIGINT[];

-- AlterTable
ALTER TABLE "webhook_endpoint_past" DROP CONSTRAINT "webhook_endpoint_past_pkey",
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ADD COLUMN     "open_event_ids" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
ADD CONSTRAINT "webhook_endpoint_past_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE INDEX "webhook_endpoint_past_endpoint_id_until_event_id_idx" ON "webhook_endpoint_past"("endpoint_id", "until_event_id");

-- hand-written: an endpoint's start and each of its changes now say which events came before
-- them by commit order, not by id alone. Ids are taken when a transaction inserts its event and
-- become visible when it commits, so an event of a transaction in flight at the change can have a
-- lower id than the newest one committed then, and commit after it: judged by id, it was taken as
-- before the change (a new endpoint never received it, an event committed after a disable was
-- still sent, one committed after an enable was not). The watermark is now the newest committed
-- id and the ids up to it not committed yet, read in one snapshot: the fan-out's open gaps (ids
-- it waits for) and the ids missing above its mark. Rolled-back ids are among them too: they
-- never come, so they cost nothing. At most 10,000 are kept (the highest), as the fan-out keeps
-- at most 10,000 gaps.
CREATE FUNCTION "webhook_event_watermark"(OUT until_event_id bigint, OUT open_event_ids bigint[])
LANGUAGE sql VOLATILE AS $fn$
  WITH top AS (SELECT coalesce(max(id), 0) AS id FROM coupon_event),
       f AS (SELECT mark, gaps FROM webhook_fanout WHERE id = 1),
       seen AS (
         SELECT e.id FROM coupon_event e, f, top WHERE e.id > f.mark AND e.id <= top.id
         UNION ALL
         SELECT f.mark FROM f),
       missing AS (
         SELECT g FROM (SELECT id, lead(id) OVER (ORDER BY id) AS next FROM seen) s, generate_series(s.id + 1, s.next - 1) g
         UNION ALL
         SELECT (j ->> 0)::bigint FROM f, jsonb_array_elements(f.gaps) j, top
          WHERE (j ->> 0)::bigint <= top.id AND NOT EXISTS (SELECT 1 FROM coupon_event e WHERE e.id = (j ->> 0)::bigint))
  SELECT top.id, ARRAY(SELECT g FROM missing ORDER BY g DESC LIMIT 10000) FROM top
$fn$;

-- hand-written: every change keeps its own row now (two changes with no event committed between
-- them can still differ in what was in flight): the rows' id gives their order.
CREATE OR REPLACE FUNCTION "webhook_endpoint_keep_past"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO webhook_endpoint_past (endpoint_id, until_event_id, open_event_ids, enabled, events, book_id)
  SELECT OLD.id, w.until_event_id, w.open_event_ids, OLD.enabled, OLD.events, OLD.book_id FROM webhook_event_watermark() w;
  RETURN NULL;
END
$fn$;
