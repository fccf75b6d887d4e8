/**
 * A command line as its words: how the `agent` setting, the setup wizard and
 * the `credential_process` line of the AWS config are read. A shell's quoting
 * rules for plain words, nothing more: no expansion, no escapes.
 */

/**
 * Splits a command line the way a POSIX shell would for plain words and
 * quotes (no expansion). A JSON array is taken as is.
 */
export function splitCommand(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch { /* not JSON: split as words */ }
  }
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  let inWord = false;
  for (const char of trimmed) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
