/** Writing text whole to a file or stream (a single writeSync may write only part of it). */

const encoder = new TextEncoder();

/** Writes all of `text`, synchronously, so it is out before the process exits. */
export function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}
