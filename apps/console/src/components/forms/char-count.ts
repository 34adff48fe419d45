/** The counter under a length-limited field: "12 of 200 characters" (the input's maxLength enforces it before submit). */
export function charCount(value: string, max: number): string {
  return `${value.length.toLocaleString('en-US')} of ${max.toLocaleString('en-US')} characters`;
}
