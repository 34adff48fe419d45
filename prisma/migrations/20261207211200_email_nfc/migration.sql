-- hand-written: emails are stored in Unicode NFC from now on (packages/core/src/users/email.ts),
-- so that an address typed with a precomposed letter and the same address typed decomposed are one
-- account. The emails stored so far are brought to NFC, the oldest account first, except where the
-- NFC form is taken already (two accounts of one address, made before this change): the other
-- one then stays as it is, for an admin to resolve. PostgreSQL normalizes only in UTF8 databases.
DO $email_nfc$
BEGIN
  IF current_setting('server_encoding') = 'UTF8' THEN
    UPDATE "app_user" u SET "email" = n."nfc"
    FROM (
      SELECT DISTINCT ON (normalize("email", NFC)) "id", normalize("email", NFC) AS "nfc"
      FROM "app_user"
      WHERE "email" IS NOT NULL AND "email" IS NOT NFC NORMALIZED
      ORDER BY normalize("email", NFC), "created_at", "id"
    ) n
    WHERE u."id" = n."id" AND n."nfc" = lower(n."nfc")
      AND NOT EXISTS (SELECT 1 FROM "app_user" o WHERE o."email" = n."nfc");
  END IF;
END
$email_nfc$;
