// Imported (under a fresh query string) to learn whether this thread can load TypeScript as the
// framework's and apps' modules need: load-module.mjs. Not just types to strip: an enum and a
// decorator, which a loader that only erases types (Node ≥ 22.18's own) cannot run.
enum Probe {
  Loaded,
}

function keep<T>(value: T, _context: ClassDecoratorContext): T {
  return value
}

@keep
class Decorated {
  readonly state = Probe.Loaded
}

export const loaded: boolean = new Decorated().state === Probe.Loaded
