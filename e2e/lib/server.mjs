// Starts the real xingjian server (demo data, fresh SQLite dir) for browser tests.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, openSync, readFileSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** Path of the server binary: $XJ_BIN (relative to the cwd) or ../bin/xingjian beside e2e/. */
export function serverBinary() {
  return process.env.XJ_BIN ? resolve(process.env.XJ_BIN) : resolve(here, '..', '..', 'bin', 'xingjian')
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.unref()
    s.on('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => ok(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Start `xingjian serve --addr 127.0.0.1:<port> --data <tmp> --demo` and wait
 * until GET /readyz answers 200. Returns { url, stop(), log() }.
 */
export async function startServer({ timeoutMs = 90_000, dataDir: reuse, env = {} } = {}) {
  const bin = serverBinary()
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin} (build it with "make build" or set XJ_BIN)`)
  const port = await freePort()
  // A restart (e.g. with the casework clock moved on) reuses the data dir.
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'xj-e2e-'))
  const logPath = join(dataDir, 'server.log')
  const logFd = openSync(logPath, 'a')
  const args = ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir, '--demo']
  const child = spawn(bin, args, { stdio: ['ignore', logFd, logFd], env: { ...process.env, ...env } })
  let exited = null
  child.on('exit', (code, signal) => { exited = { code, signal } })

  const url = `http://127.0.0.1:${port}`
  const log = () => { try { return readFileSync(logPath, 'utf8') } catch { return '' } }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}):\n${log()}`)
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server not ready within ${timeoutMs} ms:\n${log()}`)
    }
    await sleep(200)
  }

  /** Stop the server; keepData leaves the data dir for a restart. */
  async function stop({ keepData = false } = {}) {
    if (!exited) {
      child.kill('SIGTERM')
      for (let i = 0; i < 50 && !exited; i++) await sleep(100)
      if (!exited) child.kill('SIGKILL')
    }
    if (!keepData && !process.env.XJ_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true })
  }
  return { url, dataDir, stop, log }
}
