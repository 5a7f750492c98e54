/**
 * The Lua script wrk runs. It sets the method, counts every answer by status and checks bodies
 * against the job's body pattern in `response()`. At the end, `done()` prints DONE_MARKER and
 * waits for a line on its stdin — the driver reads wrk's CPU use from /proc while the process
 * still exists — then prints one machine-readable line, RESULT_MARKER then JSON (wrk's totals,
 * latency percentiles in µs, the script's counts), read by wrk-output.ts instead of wrk's text for
 * people.
 *
 * The latency percentiles are wrk's, and wrk corrects its histogram for coordinated omission
 * before `done()` sees it: an answer slower than the mean interval per connection also stands for
 * the answers that would have come meanwhile. They cannot be uncorrected here: the histogram's
 * bins are not readable from Lua in wrk 4.1.0 (`latency[i]` returns `i`). So wrk's closed-loop
 * percentiles are higher than autocannon's for the same stalls (see the driver's `latencyNote`).
 */

export const DONE_MARKER = 'UNBLOCKED-WRK-DONE'
export const RESULT_MARKER = 'UNBLOCKED-WRK-RESULT '

export interface ScriptOptions {
  readonly method: 'GET' | 'POST'
  /** Body pattern (body-pattern.ts); absent: bodies are not checked. */
  readonly body?: string
}

/** A Lua string literal for any text: printable ASCII as is, every other byte as a decimal escape. */
export function luaString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
    out += printable ? String.fromCharCode(byte) : `\\${byte}`
  }
  return `${out}"`
}

export function wrkScript(o: ScriptOptions): string {
  return `-- Written by unblocked (harness/bench/drivers/wrk-script.ts) for one run; removed after it.
wrk.method = ${luaString(o.method)}
local pattern = ${o.body === undefined ? 'nil' : luaString(o.body)}

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  mismatches = 0
  checked = 0
end

local find, gsub = string.find, string.gsub
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if pattern ~= nil then
    checked = checked + 1
    -- As body-pattern.ts: the body as sent, or with its whitespace removed, must match.
    if not find(body, pattern) and not find((gsub(body, "%s", "")), pattern) then
      mismatches = mismatches + 1
    end
  end
end

local function int(x)
  return string.format("%.0f", x)
end

function done(summary, latency, requests)
  io.write(${luaString(DONE_MARKER)}, "\\n")
  io.flush()
  io.read("*l")
  local codes, nmis, nchecked = {}, 0, 0
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    nmis = nmis + t:get("mismatches")
    nchecked = nchecked + t:get("checked")
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%d":%s', code, int(n)))
  end
  local e = summary.errors
  local mean = latency.mean
  if mean ~= mean then mean = 0 end -- NaN: no answer was timed
  io.write(${luaString(RESULT_MARKER)}, string.format(
    '{"requests":%s,"durationUs":%s,"errors":{"connect":%s,"read":%s,"write":%s,"status":%s,"timeout":%s},' ..
    '"latencyUs":{"p50":%s,"p90":%s,"p99":%s,"p999":%s,"max":%s,"mean":%.3f},' ..
    '"statuses":{%s},"mismatches":%s,"checked":%s}\\n',
    int(summary.requests), int(summary.duration), int(e.connect), int(e.read), int(e.write), int(e.status), int(e.timeout),
    int(latency:percentile(50)), int(latency:percentile(90)), int(latency:percentile(99)), int(latency:percentile(99.9)),
    int(latency.max), mean, table.concat(parts, ","), int(nmis), int(nchecked)))
  io.flush()
end
`
}
