/**
 * Downloads one of the API's CSV exports. The token goes in the Authorization header of a
 * `fetch` (never in the URL, where it would land in logs and history); the body becomes a Blob
 * that the browser saves under the given file name.
 */
export async function downloadCsv(url: string, token: string, fileName: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    throw new Error(`Export failed (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''})`);
  }
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  try {
    const anchor = document.createElement('a');
    anchor.href = objectUrl;
    anchor.download = fileName;
    anchor.rel = 'noopener';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    // Give the browser a moment to start the download before the URL is revoked.
    setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
  }
}
