/**
 * Adding or updating one profile in `~/.aws/config` as text: every other line
 * — other profiles, comments, sso-sessions, nested settings — stays byte for
 * byte, and so do the profile's own other settings.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
import { parseAwsConfig } from "./profiles.ts";

/** The section header of a profile: `[default]` or `[profile name]`. */
export function profileHeader(name: string): string {
  return name === "default" ? "[default]" : `[profile ${name}]`;
}

/**
 * `text` with `settings` set in profile `name`: existing keys are replaced
 * where they are, new ones follow the profile's last setting; a missing
 * profile is appended. `exists` tells whether the profile was already there.
 */
export function upsertProfile(
  text: string,
  name: string,
  settings: Record<string, string>,
): { text: string; existed: boolean } {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text === "" ? [] : text.split(/\r?\n/);
  const trailingNewline = text.endsWith("\n");
  if (trailingNewline) lines.pop();
  const start = lines.findIndex((line) => sectionName(line) === name);
  if (start < 0) {
    const body = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    const gap = lines.length === 0 ? [] : lines.at(-1)!.trim() === "" ? [] : [""];
    const out = [...lines, ...gap, profileHeader(name), ...body];
    return { text: [...out, ""].join(newline), existed: false };
  }
  let end = lines.findIndex((line, index) => index > start && sectionName(line) !== undefined);
  if (end < 0) end = lines.length;
  const remaining = new Map(Object.entries(settings));
  let lastSetting = start;
  for (let index = start + 1; index < end; index++) {
    const line = lines[index];
    if (/^\s*([#;]|$)/.test(line)) continue;
    if (/^\s/.test(line)) { // a nested value continues the previous setting
      lastSetting = index;
      continue;
    }
    lastSetting = index;
    const key = line.slice(0, line.indexOf("=")).trim();
    if (line.includes("=") && remaining.has(key)) {
      lines[index] = `${key} = ${remaining.get(key)}`;
      remaining.delete(key);
    }
  }
  const added = [...remaining].map(([key, value]) => `${key} = ${value}`);
  lines.splice(lastSetting + 1, 0, ...added);
  const result = lines.join(newline) + (trailingNewline ? newline : "");
  // What was written must read back as asked.
  const check = parseAwsConfig(result).get(name);
  for (const [key, value] of Object.entries(settings)) {
    if (check?.[key] !== value) throw new Error(`profile "${name}" did not read back ${key} after the edit`);
  }
  return { text: result, existed: true };
}

/** The profile a section header line opens, "" for a non-profile section, undefined for other lines. */
function sectionName(line: string): string | undefined {
  const header = /^\s*\[\s*([^\]]+?)\s*\]\s*([#;].*)?$/.exec(line);
  if (!header) return undefined;
  const inside = header[1];
  if (inside === "default" || inside === "profile default") return "default";
  const profile = /^profile\s+(.+)$/.exec(inside);
  return profile ? profile[1] : "";
}
