import { domainToUnicode } from 'node:url';
import pg from 'pg';

/**
 * The form emails are stored and compared in, so that one address has one spelling: trimmed,
 * lower-cased, in Unicode NFC (`é` typed precomposed or as `e` + U+0301 is the same address), the
 * domain as UTS #46 maps it (as browsers do: `BÜCHER.de` and `xn--bcher-kva.de` are `bücher.de`,
 * full-width letters and dots are ASCII). A domain UTS #46 refuses is left as typed (lower-cased,
 * NFC): core's `parseEmail` then refuses the address; a look-up simply finds nobody.
 *
 * Here, beside the stored data, because the migrations bring stored emails to this form too
 * ({@link normalizeStoredEmails}); core validates and looks up with the same function.
 */
export function normalizeEmail(email: string): string {
  const text = email.trim().toLowerCase().normalize('NFC');
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const domain = domainToUnicode(text.slice(at + 1));
  return domain === '' ? text : `${text.slice(0, at + 1)}${domain.normalize('NFC')}`;
}

/**
 * Brings stored emails to {@link normalizeEmail}'s form: the data step of migration `email_nfc`
 * that SQL cannot do (PostgreSQL has no UTS #46). Accounts stored by an earlier release with an
 * internationalised domain in punycode (`bob@xn--bcher-kva.de`) or in full-width letters could
 * not sign in after it, and their address could be registered a second time.
 *
 * Run by {@link applyMigrations} after the SQL migrations, every time: it reads only the rows
 * that can differ (a non-ASCII character, or an `xn--` label) and changes nothing once they are
 * in form, so a second run is a no-op. Oldest account first; an account whose form another
 * account already has is left as it is (as the NFC step leaves it): merging two accounts is a
 * decision for a person. Returns how many were changed and the ids of those left.
 */
export async function normalizeStoredEmails(url: string): Promise<{ changed: number; left: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; email: string }>(
      `SELECT id::text AS id, email FROM app_user
       WHERE email IS NOT NULL AND (email ~ '[^\\x01-\\x7f]' OR email ~ '[@.]xn--')
       ORDER BY created_at, id`,
    );
    let changed = 0;
    const left: string[] = [];
    for (const { id, email } of rows) {
      const normalized = normalizeEmail(email);
      if (normalized === email) continue;
      const updated = await client.query(
        `UPDATE app_user SET email = $2 WHERE id = $1::uuid AND NOT EXISTS (SELECT 1 FROM app_user WHERE email = $2)`,
        [id, normalized],
      );
      if (updated.rowCount) changed += 1;
      else left.push(id);
    }
    return { changed, left };
  } finally {
    await client.end();
  }
}
