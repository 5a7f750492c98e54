// The floor for a piscina round trip: a worker function that returns its argument.
export default function echo(value) {
  return value
}
