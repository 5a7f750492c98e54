/** The drivers by name (`--driver`). */
import { autocannonDriver } from './autocannon.ts'
import type { DriverName, LoadDriver } from './driver.ts'
import { wrkDriver } from './wrk.ts'

export const DRIVERS: Readonly<Record<DriverName, LoadDriver>> = { autocannon: autocannonDriver, wrk: wrkDriver }

export function driverByName(name: DriverName): LoadDriver {
  return DRIVERS[name]
}
