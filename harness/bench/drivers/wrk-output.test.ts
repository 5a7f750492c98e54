import { describe, expect, it } from 'vitest'
import { parseWrkOutput, wrkResult } from './wrk-output.ts'

// Captured from wrk debian/4.1.0-3+b2 running wrk-script.ts's script with --latency -t 1.
/** 4 connections against an idle node:http server answering {"ok":true}, body checked. */
const CLEAN = `Running 1s test @ http://127.0.0.1:18086/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   524.46us    0.89ms  10.61ms   90.44%
    Req/Sec    14.09k     6.17k   21.23k    63.64%
  Latency Distribution
     50%  157.00us
     75%  469.00us
     90%    1.35ms
     99%    4.41ms
  15390 requests in 1.10s, 2.45MB read
Requests/sec:  13987.77
Transfer/sec:      2.23MB
UNBLOCKED-WRK-DONE
UNBLOCKED-WRK-RESULT {"requests":15390,"durationUs":1100247,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"latencyUs":{"p50":157,"p90":1351,"p99":4414,"p999":8012,"max":10609,"mean":524.464},"statuses":{"200":15390},"mismatches":0,"checked":15390}
`
/** Against a server answering every 7th request 503, every 10th with a wrong body, resetting every 97th connection. */
const MIXED = `Running 1s test @ http://127.0.0.1:18085/x
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   659.47us    1.61ms  17.54ms   92.40%
    Req/Sec    12.35k     8.67k   25.21k    60.00%
  Latency Distribution
     50%  122.00us
     75%  390.00us
     90%    1.75ms
     99%    8.98ms
  12287 requests in 1.01s, 1.60MB read
  Socket errors: connect 0, read 128, write 0, timeout 0
  Non-2xx or 3xx responses: 1755
Requests/sec:  12140.76
Transfer/sec:      1.58MB
UNBLOCKED-WRK-DONE
UNBLOCKED-WRK-RESULT {"requests":12287,"durationUs":1012045,"errors":{"connect":0,"read":128,"write":0,"status":1755,"timeout":0},"latencyUs":{"p50":122,"p90":1745,"p99":8983,"p999":15270,"max":17537,"mean":659.465},"statuses":{"200":10532,"503":1755},"mismatches":1228,"checked":12287}
`
/** --timeout 1s; one request answered after 1.3 s: wrk counts it as a timeout when it arrives, not in the latency. */
const LATE = `Running 2s test @ http://127.0.0.1:18088/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   164.18us  508.05us   9.98ms   95.38%
    Req/Sec    18.03k    11.73k   37.65k    66.67%
  Latency Distribution
     50%   59.00us
     75%   92.00us
     90%  181.00us
     99%    2.58ms
  37601 requests in 2.10s, 4.81MB read
  Socket errors: connect 0, read 0, write 0, timeout 1
Requests/sec:  17912.62
Transfer/sec:      2.29MB
UNBLOCKED-WRK-DONE
UNBLOCKED-WRK-RESULT {"requests":37601,"durationUs":2099134,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":1},"latencyUs":{"p50":59,"p90":181,"p99":2583,"p999":6579,"max":9976,"mean":164.184},"statuses":{"200":37601},"mismatches":0,"checked":37601}
`
/** stderr when nothing listens (wrk exits 1, stdout empty). */
const REFUSED = `unable to connect to 127.0.0.1:9 Connection refused
`

describe('wrk output', () => {
  it('reads the result line of a clean run: totals, statuses, latency in ms', () => {
    const r = wrkResult(parseWrkOutput(CLEAN))
    expect(r).toEqual({
      requests: 15390,
      durationSec: 1.100247,
      rps: 15390 / 1.100247,
      latency: { p50: 0.157, p90: 1.351, p99: 4.414, p999: 8.012, max: 10.609, mean: 0.524 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      mismatches: 0,
      statusCodes: { 200: 15390 },
    })
  })

  it('statuses, mismatches and connection errors as the script and wrk counted them', () => {
    const r = wrkResult(parseWrkOutput(MIXED))
    expect(r.statusCodes).toEqual({ 200: 10532, 503: 1755 })
    expect(r.requests).toBe(12287)
    expect(r.non2xx).toBe(1755)
    expect(r.mismatches).toBe(1228)
    // wrk's "read" errors are the reset connections; its "status" count (≥ 400) is not a connection error.
    expect(r.errors).toBe(128)
    expect(r.timeouts).toBe(0)
  })

  it('a late answer is a timeout, not an error', () => {
    const r = wrkResult(parseWrkOutput(LATE))
    expect(r.timeouts).toBe(1)
    expect(r.errors).toBe(0)
    expect(r.latency.max).toBeLessThan(1000) // the late answer is not in the latency
  })

  it('no result line: an error showing the end of what wrk said, in one line', () => {
    expect(() => parseWrkOutput('', REFUSED)).toThrow('wrk printed no result line; its output ended: unable to connect to 127.0.0.1:9 Connection refused')
    expect(() => parseWrkOutput(CLEAN.replace(/UNBLOCKED-WRK-RESULT .*\n/, ''))).toThrow(/wrk printed no result line; its output ended: .*UNBLOCKED-WRK-DONE$/)
  })

  it('a cut or malformed result line is an error naming what is wrong, never numbers made up', () => {
    const line = CLEAN.split('\n').find((l) => l.startsWith('UNBLOCKED-WRK-RESULT ')) as string
    expect(() => parseWrkOutput(line.slice(0, 80))).toThrow("wrk's result line is not JSON")
    expect(() => parseWrkOutput(line.replace('"mismatches":0,', ''))).toThrow(/not as expected \(mismatches: /)
    expect(() => parseWrkOutput(line.replace('"p99":4414', '"p99":-1'))).toThrow(/not as expected \(latencyUs\.p99: /)
    expect(() => parseWrkOutput(line.replace('"200":15390', '"2xx":15390'))).toThrow(/not as expected \(statuses\.2xx: /)
  })

  it('the last result line counts (output before it cannot pass for the result)', () => {
    const line = CLEAN.split('\n').find((l) => l.startsWith('UNBLOCKED-WRK-RESULT ')) as string
    const r = parseWrkOutput(`${line.replace('"mismatches":0', '"mismatches":7')}\n${CLEAN}`)
    expect(r.mismatches).toBe(0)
  })
})
