import type { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlQueryable } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { patchEveryAdapter } from './adapter-factory.ts';

// The schema engine introspects the catalog with queries that return PostgreSQL's internal
// one-byte `"char"` type (OID 18, e.g. pg_class.relkind). @prisma/adapter-pg has no mapping for
// it and fails with "Column type 'char' could not be deserialized". The fix has two halves:
// the pg client relabels those fields as text (so the adapter accepts them), and the adapter
// wrapper then reports them to the engine as `Character` columns, which is what they are.

const CHAR_OID = 18;
const TEXT_OID = 25;

/** Rows arrays whose result had `"char"` columns, with their positions. The adapter returns the
 *  very same rows array it got from pg, so the array is the key that links both halves. */
const charColumns = new WeakMap<object, number[]>();

type Result = pg.QueryResult & { rows: unknown[] };

function relabelCharFields(result: unknown): unknown {
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields = (one as Result | undefined)?.fields;
    if (!fields) continue;
    const positions: number[] = [];
    fields.forEach((field, i) => {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        positions.push(i);
      }
    });
    if (positions.length > 0) charColumns.set((one as Result).rows, positions);
  }
  return result;
}

/** A pg client that relabels `"char"` result fields as text. Give it to the pool as `Client`. */
export class CharAwareClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection the server drops while the pool is closing it would otherwise be an
    // unhandled 'error'; errors of queries in flight still reach their callers.
    this.on('error', () => {});
  }

  // pg's query() has a dozen overloads; this wraps them all, hence the `any`s.
  override query(...args: any[]): any {
    // pg-pool calls the callback form: query(config, undefined, callback).
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (err: Error | null, res: unknown) => void;
      args[callbackIndex] = (err: Error | null, res: unknown) => callback(err, err ? res : relabelCharFields(res));
      return (super.query as any)(...args);
    }
    const returned = (super.query as any)(...args);
    return typeof returned?.then === 'function' ? returned.then(relabelCharFields) : returned;
  }
}

function patchQueryable<T extends SqlQueryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function patchAdapter<T extends SqlDriverAdapter>(adapter: T): T {
  patchQueryable(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => patchQueryable(await startTransaction(isolationLevel));
  return adapter;
}

/** Wraps the factory so every adapter it hands out reports `"char"` columns as `Character`. */
export function withCharColumns(factory: PrismaPg): PrismaPg {
  return patchEveryAdapter(factory, patchAdapter);
}
