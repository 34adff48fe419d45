import pg from 'pg';

/** The same server and credentials as `url`, with another database name. */
export function databaseUrl(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(databaseName)}`;
  return parsed.toString();
}

/** The database name a URL points at. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function withClient<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'coupons-admin' });
  client.on('error', () => {}); // a dropped admin connection surfaces through the query instead
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates `name` on the server of `adminUrl` (a URL of any existing database, typically
 * `postgres`) unless it exists; with `template`, as a copy of that database. Returns whether
 * it was created.
 */
export async function createDatabaseIfMissing(
  adminUrl: string,
  name: string,
  options: { template?: string } = {},
): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    // Identifiers cannot be bound as parameters; escapeIdentifier quotes them safely.
    const template = options.template ? ` TEMPLATE ${client.escapeIdentifier(options.template)}` : '';
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${template}`);
    } catch (error) {
      // Another process created it between the check and here.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
    return true;
  });
}

/**
 * Drops `name` if it exists. Sessions still on it get up to `graceMs` to go away on their own
 * (a pool's end() resolves before its sockets have closed, and a session killed while closing
 * surfaces as an unhandled 'error' in its owner); whoever remains is then disconnected.
 */
export async function dropDatabaseIfExists(adminUrl: string, name: string, graceMs = 2_000): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      if ((rows[0]?.n ?? 0) === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}
