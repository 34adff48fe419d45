/** Only same-origin paths are followed after sign-in, so `?next=` cannot send a user elsewhere. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
