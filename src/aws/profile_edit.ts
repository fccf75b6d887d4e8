/**
 * Adding or updating one profile in `~/.aws/config` as text: every other line
 * — other profiles, comments, sso-sessions, nested settings — stays byte for
 * byte, and so do the profile's own other settings.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
import { AwsOidcError } from "../errors.ts";
import { parseAwsConfig } from "./profiles.ts";

/** The section header of a profile: `[default]` or `[profile name]`. */
export function profileHeader(name: string): string {
  return name === "default" ? "[default]" : `[profile ${name}]`;
}

/**
 * `text` with `settings` set in profile `name`: existing keys are replaced
 * where they are, new ones follow the profile's last setting; a missing
 * profile is appended. Each line keeps its own line ending; new lines take
 * CRLF when the file has any. `existed` tells whether the profile was already
 * there. The result is parsed again and must hold `settings` in `name`.
 */
export function upsertProfile(
  text: string,
  name: string,
  settings: Record<string, string>,
): { text: string; existed: boolean } {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  /** Lines with their endings; the last one may have none. */
  const lines = text.split(/(?<=\n)/).filter((line) => line !== "");
  const body = (line: string) => line.replace(/\r?\n$/, "");
  const ended = (index: number) => {
    if (index >= 0 && !lines[index].endsWith("\n")) lines[index] += newline;
  };
  const setting = ([key, value]: [string, string]) => `${key} = ${value}${newline}`;
  const start = lines.findIndex((line) => sectionName(body(line)) === name);
  if (start < 0) {
    ended(lines.length - 1);
    const gap = lines.length === 0 || body(lines.at(-1)!).trim() === "" ? [] : [newline];
    lines.push(...gap, profileHeader(name) + newline, ...Object.entries(settings).map(setting));
  } else {
    let end = lines.findIndex((line, index) => index > start && sectionName(body(line)) !== undefined);
    if (end < 0) end = lines.length;
    const remaining = new Map(Object.entries(settings));
    let lastSetting = start;
    for (let index = start + 1; index < end; index++) {
      const line = body(lines[index]);
      if (/^\s*([#;]|$)/.test(line)) continue;
      lastSetting = index; // a setting, or an indented line that continues one
      const key = line.slice(0, line.indexOf("=")).trim();
      if (!/^\s/.test(line) && line.includes("=") && remaining.has(key)) {
        lines[index] = `${key} = ${remaining.get(key)}${lines[index].slice(line.length)}`;
        remaining.delete(key);
      }
    }
    if (remaining.size) ended(lastSetting);
    lines.splice(lastSetting + 1, 0, ...[...remaining].map(setting));
  }
  const result = lines.join("");
  const check = parseAwsConfig(result).get(name);
  for (const [key, value] of Object.entries(settings)) {
    if (check?.[key] !== value) {
      throw new AwsOidcError(`Profile "${name}" would not read back its ${key} after the edit`, {
        hint: "edit the AWS config by hand, or pass --no-profile",
      });
    }
  }
  return { text: result, existed: start >= 0 };
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
