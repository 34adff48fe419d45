-- hand-written: a redemption's idempotency key is no longer unique per user. The key's record in
-- idempotency_record (its primary key, within the key's lifetime) is what makes a retry replay the
-- first answer. This index kept the key for ever, so a key reused after its lifetime (a cart id, a
-- per-customer sequence) was refused as a duplicate instead of starting a new request, as the API
-- promises. Nothing reads redemptions by key (the CSV export only lists it), so no index replaces it
DROP INDEX "redemption_user_id_idempotency_key_key";
