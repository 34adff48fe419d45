/**
 * The counter under a length-limited field: "12 of 200 characters", and past the limit "240 of 200
 * characters: 40 too many". The limit is enforced on submit, not by `maxLength`, which would cut a
 * pasted text silently.
 */
export function charCount(value: string, max: number): string {
  const count = `${value.length.toLocaleString('en-US')} of ${max.toLocaleString('en-US')} characters`;
  const over = value.length - max;
  return over > 0 ? `${count}: ${over.toLocaleString('en-US')} too many` : count;
}

/** Whether `value` is past the limit as the API counts it (after trimming). */
export function isOverLimit(value: string, max: number): boolean {
  return value.trim().length > max;
}
