export { DRIVER_NAMES, type DriverJob, type DriverName, type DriverResult, type DriverUse, type LoadDriver } from './driver.ts'
export { autocannonDriver } from './autocannon.ts'
export { WRK_MISSING, wrkDriver } from './wrk.ts'
export { DRIVERS, driverByName } from './registry.ts'
