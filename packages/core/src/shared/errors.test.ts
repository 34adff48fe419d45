import { describe, expect, it } from 'vitest';
import { isLostStatement, translateDatabaseError } from './errors.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('translateDatabaseError', () => {
  it('answers a named statement lost behind a transaction-mode PgBouncer SERVICE_UNAVAILABLE (retryable), never INTERNAL_SERVER_ERROR', () => {
    for (const error of [pgError('26000', 'prepared statement "cbs_x" does not exist'), pgError('42P05', 'prepared statement "cbs_x" already exists')]) {
      expect(isLostStatement(error)).toBe(true);
      const answer = translateDatabaseError(error);
      expect(answer?.code).toBe('SERVICE_UNAVAILABLE');
      expect(answer?.details).toMatchObject({ retryable: true });
    }
  });

  it('leaves other errors to their own answers: a conflict or a bug is not a lost statement', () => {
    for (const code of ['40001', '23514', '42601']) {
      expect(isLostStatement(pgError(code, 'x'))).toBe(false);
      expect(translateDatabaseError(pgError(code, 'x'))?.code).toBeUndefined();
    }
  });
});
