-- hand-written: the fan-out cursor keeps its open gaps as ranges of ids now, each saved as
-- [from, detectedAt, horizon, to] (to left out for a single id, as every gap was saved before):
-- one transaction can hold far more ids than the 10,000 single gaps the cursor kept (a pool
-- distribution writes one event per coupon), and the lowest of them were given up on. The
-- watermark reads every id of each range, as it read each single gap before. It still keeps at
-- most 10,000 open ids, the highest.
CREATE OR REPLACE FUNCTION "webhook_event_watermark"(OUT until_event_id bigint, OUT open_event_ids bigint[])
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
         SELECT g FROM f, jsonb_array_elements(f.gaps) j, top,
                generate_series((j ->> 0)::bigint, least(coalesce((j ->> 3)::bigint, (j ->> 0)::bigint), top.id)) g
          WHERE NOT EXISTS (SELECT 1 FROM coupon_event e WHERE e.id = g))
  SELECT top.id, ARRAY(SELECT g FROM missing ORDER BY g DESC LIMIT 10000) FROM top
$fn$;
