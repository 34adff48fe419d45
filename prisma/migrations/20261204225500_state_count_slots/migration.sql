-- hand-written: book_state_count slots from the backend pid modulo 128 instead of 32. A claim
-- holds its slot's two rows until it commits, so connections whose pids share a slot wait for
-- each other's commit on a hot book. 42 connections (the API's pool of 20, a second pool of 20,
-- two more) fell in 32 distinct slots of 32 and 42 of 128, and claims through the API, whose
-- transactions stay open longer while its event loop is busy, then waited 0.30 to 0.43 ms per
-- claim on their count rows against 0.04 to 0.06 ms with 128 slots (bench/tools/claim-cost.ts,
-- A/B on the same connections, docs/SCALING.md). Rows already in slots 0 to 31 stay valid: only
-- the sum over slots means anything. A book keeps at most 5 states times 128 slots rows.
CREATE OR REPLACE FUNCTION "book_state_count_add"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO book_state_count AS t (book_id, state, slot, n)
    SELECT book_id, state, (pg_backend_pid() % 128)::smallint, count(*)
      FROM new_rows GROUP BY book_id, state ORDER BY book_id, state
    ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSE
    INSERT INTO book_state_count AS t (book_id, state, slot, n)
    SELECT o.book_id, o.state, (pg_backend_pid() % 128)::smallint, -count(*)
      FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM book b WHERE b.id = o.book_id)
     GROUP BY o.book_id, o.state ORDER BY o.book_id, o.state
    ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION "book_state_count_move"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO book_state_count AS t (book_id, state, slot, n)
  SELECT m.book_id, m.state, (pg_backend_pid() % 128)::smallint, m.delta
    FROM (VALUES (OLD.book_id, OLD.state, -1::bigint), (NEW.book_id, NEW.state, 1::bigint)) AS m (book_id, state, delta)
   ORDER BY m.book_id, m.state
  ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END
$fn$;
