/**
 * Turns the browser's quota error into one that says what to do. Every IndexedDB write of the app goes through
 * it; each write is one transaction, so a write that fails this way leaves nothing half-written.
 */
export async function withQuotaMessage<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) {
      throw new Error(
        `The browser’s storage is full, so ${what} could not be saved (what was saved before is kept). ` +
          'Free space in Manage storage (status bar) or on the disk, then try again.',
        { cause: error },
      );
    }
    if (isAbortedWrite(error)) {
      // IndexedDB's AbortError would read as the user's cancel (isCancelled looks at the name): say what it was.
      throw new Error(`The browser stopped the write, so ${what} could not be saved (what was saved before is kept): ${(error as Error).message}. Try again.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A transaction the browser aborted (a DOMException, unlike the RPC layer's CancelledError). */
function isAbortedWrite(error: unknown): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException && error.name === 'AbortError';
}

export function isQuotaError(error: unknown): boolean {
  const name = (error as DOMException | undefined)?.name;
  return name === 'QuotaExceededError' || (name === 'UnknownError' && /quota|space/i.test((error as Error).message));
}
