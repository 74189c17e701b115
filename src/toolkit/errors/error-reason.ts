/** What went wrong, for a log line: an Error's message, anything else as a string. @publicApi */
export function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
