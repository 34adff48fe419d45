-- CreateTable
CREATE TABLE "webhook_endpoint_past" (
    "endpoint_id" UUID NOT NULL,
    "until_event_id" BIGINT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "events" "CouponEventType"[],
    "book_id" UUID,

    CONSTRAINT "webhook_endpoint_past_pkey" PRIMARY KEY ("endpoint_id","until_event_id")
);

-- AddForeignKey
ALTER TABLE "webhook_endpoint_past" ADD CONSTRAINT "webhook_endpoint_past_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- hand-written: before a change of what an endpoint receives (enabled, events, book_id), keep
-- what it received until now. The fan-out runs behind the commits (another instance's round, a
-- backlog, every sender down): it judged each event by the endpoint as it is when the fan-out
-- runs, so an event committed while the endpoint was enabled and fanned out after it was
-- disabled was lost, and one committed while it was disabled was sent once it was enabled again.
-- Now the fan-out matches each event against this history. The watermark is the newest event
-- committed when the change is made (a statement of its own in a VOLATILE function: a snapshot
-- taken after the endpoint's row lock). An event in flight then lands on either side, as two
-- overlapping requests may. Two changes with no event between them keep the older state (DO
-- NOTHING): it is what the events up to the watermark were committed under.
CREATE FUNCTION "webhook_endpoint_keep_past"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO webhook_endpoint_past (endpoint_id, until_event_id, enabled, events, book_id)
  VALUES (OLD.id, (SELECT coalesce(max(id), 0) FROM coupon_event), OLD.enabled, OLD.events, OLD.book_id)
  ON CONFLICT (endpoint_id, until_event_id) DO NOTHING;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "webhook_endpoint_keep_past" AFTER UPDATE OF enabled, events, book_id ON "webhook_endpoint"
  FOR EACH ROW WHEN ((OLD.enabled, OLD.events, OLD.book_id) IS DISTINCT FROM (NEW.enabled, NEW.events, NEW.book_id))
  EXECUTE FUNCTION "webhook_endpoint_keep_past"();
