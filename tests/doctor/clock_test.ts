/** The clock comparison against an IdP's Date header: whole seconds, round trip allowed for. */
import assert from "node:assert/strict";
import { checkClock } from "../../src/doctor/idp.ts";

const at = (ms: number) => new Date(ms).toUTCString();
const context = (sent: number, received: number) => ({ sent, received, prefix: "", subject: "p" });

Deno.test("checkClock: the same second is in agreement, whatever the milliseconds", () => {
  const now = Date.parse("2026-01-01T00:00:00.900Z");
  assert.equal(checkClock(at(now), context(now - 50, now + 50)).status, "ok");
});

Deno.test("checkClock: beyond 10 s warns, beyond the 60 s leeway fails, and says which way", () => {
  const now = Date.parse("2026-01-01T00:00:00.000Z");
  const warned = checkClock(at(now + 30_000), context(now, now + 100));
  assert.equal(warned.status, "warn");
  assert.match(warned.message, /this clock is 30 s behind the IdP's/);
  const failed = checkClock(at(now - 120_000), context(now, now + 100));
  assert.equal(failed.status, "fail");
  assert.match(failed.message, /this clock is 120 s ahead of the IdP's/);
});

Deno.test("checkClock: a slow round trip widens the doubt instead of failing", () => {
  const now = Date.parse("2026-01-01T00:00:00.000Z");
  // The answer took 130 s: the IdP's clock may have read "now" at any point of it, 65 s off the midpoint.
  assert.equal(checkClock(at(now), context(now, now + 130_000)).status, "ok");
  assert.equal(checkClock(at(now), context(now + 65_000, now + 65_100)).status, "fail");
});

Deno.test("checkClock: no Date header is a warning, not a pass", () => {
  assert.equal(checkClock(null, context(0, 1)).status, "warn");
  assert.equal(checkClock("yesterday-ish", context(0, 1)).status, "warn");
});

Deno.test("checkClock: a cached answer's Age is added to its Date", () => {
  const now = Date.parse("2026-01-01T01:00:00.000Z");
  const cached = { ...context(now, now + 100), age: "3600" };
  assert.equal(checkClock(at(now - 3600_000), cached).status, "ok");
  assert.equal(checkClock(at(now - 3600_000), context(now, now + 100)).status, "fail");
});
