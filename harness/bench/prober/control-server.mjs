// The control server's process: node:http answering GET /ping, idle otherwise. Plain JavaScript,
// no loader, so the process is as small and quiet as a server can be: the prober's pings to it
// measure the prober's own noise. It tells its parent its port over IPC, and ends with it.
import { createServer } from 'node:http'

const BODY = 'pong'

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ping') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(BODY) })
    res.end(BODY)
  } else {
    res.writeHead(404, { 'content-length': 0 })
    res.end()
  }
})
server.listen(0, '127.0.0.1', () => {
  process.send?.({ kind: 'listening', port: server.address().port })
})
process.on('disconnect', () => process.exit(0))
