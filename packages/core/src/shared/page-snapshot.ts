import { Prisma } from '@coupons/db';
import type { SqlClient } from './sql.ts';

/** What one page of a list is read with. */
export interface PageStatements {
  /** The page: its `limit + 1` rows in the list's order (`… ORDER BY … LIMIT`). */
  rows: Prisma.Sql;
  /** `SELECT count(*)::int …` of every match, one row of one column; null when `totalCount` is not wanted. */
  count: Prisma.Sql | null;
}

/** The rows of a page and the count of every match, as one snapshot saw them (-1: not counted). */
export interface PageSnapshot<Row> {
  rows: Row[];
  totalCount: number;
}

/** The two columns {@link readPageSnapshot} adds to each row, and takes off again. */
interface SnapshotMarks {
  page_total: number;
  page_row: boolean | null;
  page_pos: bigint | null;
}

/**
 * Reads a page and its total in ONE statement, so that both come from one snapshot: a write that
 * commits while the page is read is in both or in neither, and `edges`, `hasNextPage` and
 * `totalCount` answer as if the read came before or after it. (Two statements side by side take
 * a snapshot each under READ COMMITTED, possibly on two connections: a claim committed between
 * them was counted but not listed.)
 *
 * The count is the outer side of a `LEFT JOIN … ON TRUE`, so the answer has a row even when the
 * page is empty; `page_row` tells a page row from the lone row of an empty page. Each page row is
 * numbered as the page's own `ORDER BY` yields it (`page_pos`), and the answer is sorted by that
 * number, so the join cannot change the list's order. The page's plan is its own (a subquery with
 * a LIMIT is planned apart).
 */
export async function readPageSnapshot<Row extends object>(client: SqlClient, statements: PageStatements): Promise<PageSnapshot<Row>> {
  if (statements.count === null) return { rows: await client.$queryRaw<Row[]>(statements.rows), totalCount: -1 };
  const answer = await client.$queryRaw<Array<Row & SnapshotMarks>>(Prisma.sql`
    SELECT total.n AS page_total, page.*
    FROM (${statements.count}) AS total (n)
    LEFT JOIN (SELECT TRUE AS page_row, row_number() OVER () AS page_pos, p.* FROM (${statements.rows}) AS p) AS page ON TRUE
    ORDER BY page.page_pos`);
  const rows = answer
    .filter((row) => row.page_row)
    .map(({ page_total: _total, page_row: _row, page_pos: _pos, ...row }) => row as unknown as Row);
  return { rows, totalCount: answer[0].page_total };
}
