import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';
import { patchEveryAdapter } from './adapter-factory.ts';

// @prisma/adapter-pg runs a migration script by splitting it at every `;`, inside strings, comments
// and function bodies too: a PL/pgSQL trigger function or a DO block cannot be written, and a `;`
// in a comment breaks the statement around it. The adapter's executeScript is replaced here by one
// that splits with a PostgreSQL-aware splitter (quotes, "identifiers", $tag$ bodies, comments) and
// runs the statements one at a time, in order, as the adapter did: each statement is its own
// transaction, so a migration that needs several statements to be atomic puts them in a DO block.

/** The statements of a SQL script, in order (comments kept with the statement they precede). */
export function scriptStatements(script: string): string[] {
  return splitQuery(script, postgreSplitterOptions)
    .map((piece) => (typeof piece === 'string' ? piece : piece.text).trim())
    .filter((statement) => statement.length > 0);
}

interface ScriptAdapter extends SqlDriverAdapter {
  underlyingDriver(): { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
}

function patchAdapter<T extends SqlDriverAdapter>(adapter: T): T {
  const pgAdapter = adapter as unknown as ScriptAdapter;
  adapter.executeScript = async (script: string) => {
    for (const statement of scriptStatements(script)) {
      try {
        await pgAdapter.underlyingDriver().query(statement);
      } catch (error) {
        pgAdapter.onError(error); // as the adapter's own: a DriverAdapterError for the engine
      }
    }
  };
  return adapter;
}

/** Wraps the factory so every adapter it hands out splits scripts with {@link scriptStatements}. */
export function withScriptStatements(factory: PrismaPg): PrismaPg {
  return patchEveryAdapter(factory, patchAdapter);
}
