// PyTorch-style warnings: printed with console.warn once per call site.

const seen = new Set<string>();

/** Warns once for each distinct (message, caller location) pair, as Python's default warning filter does. */
export function warnOnce(message: string): void {
  const site = new Error().stack?.split("\n")[4] ?? "";
  const key = `${message}@${site}`;
  if (seen.has(key)) return;
  seen.add(key);
  // reached through globalThis so the browser build needs no DOM or Node typings
  (globalThis as unknown as { console: { warn(m: string): void } }).console.warn(`UserWarning: ${message}`);
}
