import type { SqlRunner } from './search-fixture.ts';

/** One scan node of a query plan: its node type, and the table and index it reads. */
export interface PlanScan {
  node: string;
  relation?: string;
  index?: string;
}

/** Every scan of a plan tree (`EXPLAIN (FORMAT JSON)`'s `Plan`), depth first. */
export function scansOf(plan: Record<string, unknown>): PlanScan[] {
  const here: PlanScan[] = /Scan/.test(String(plan['Node Type']))
    ? [{ node: String(plan['Node Type']), relation: plan['Relation Name'] as string | undefined, index: plan['Index Name'] as string | undefined }]
    : [];
  return [...here, ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(scansOf)];
}

/**
 * The scans of the plan PostgreSQL picks for a statement: `EXPLAIN (FORMAT JSON, …options)`.
 * `GENERIC_PLAN` (without values) gives the plan a prepared statement settles on after its first calls.
 */
export async function explainScans(db: SqlRunner, text: string, values: unknown[] = [], options: string[] = []): Promise<PlanScan[]> {
  const result = (await db.query(`EXPLAIN (${[...options, 'FORMAT JSON'].join(', ')}) ${text}`, values)) as {
    rows: Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>;
  };
  return scansOf(result.rows[0]['QUERY PLAN'][0].Plan);
}

/** A plan's scans on one line (`Index Scan coupon_code_key | Seq Scan book`), for assertion messages. */
export function describeScans(scans: PlanScan[]): string {
  return scans.map((s) => `${s.node} ${s.index ?? s.relation}`).join(' | ');
}
