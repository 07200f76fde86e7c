/** Hands a file to the browser's download (the page's own; nothing is uploaded). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  // the click starts the download asynchronously: the URL must outlive it
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export const csvField = (v: string | number) => (typeof v === 'string' && /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

/** A CSV document: a header and rows, each line ended by \n. */
export const csvDocument = (header: string[], rows: (string | number)[][]) => [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
