// The common setup of a browser test file: the real server (demo data) and
// Chromium, started before its tests and stopped after; pages that record
// uncaught errors and every request leaving 127.0.0.1; login and form helpers.
//
//   const e2e = browserSuite()
//   const { server, openPage, loginOk } = e2e
//   test('…', async () => {
//     const { context, page } = await e2e.openPage()
//     try { await e2e.loginOk(page, 'prosecutor'); … } finally { await context.close() }
//   })
//   test('no request left 127.0.0.1 and no page raised an uncaught error', () => e2e.assertClean())
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './server.mjs'
import { launchBrowser, newContext } from './browser.mjs'

/**
 * Registers the before/after hooks of a test file (call it at the top, before
 * the file's own hooks) and returns its helpers. A file's own setup that needs
 * the server or the browser goes in a `before` inside its describe: Node 20
 * starts the top-level `before` hooks of a file together, not one after another.
 * @param {{ timeout?: number, server?: Parameters<typeof startServer>[0] }} opts
 *   timeout: of each page action (ms); server: options of startServer
 */
export function browserSuite({ timeout = 20_000, server: serverOptions } = {}) {
  let running // startServer's { url, dataDir, stop, log }
  let browser
  /** The started server, as the test files see it from the start. */
  const server = {
    /** Its base URL, e.g. http://127.0.0.1:40123. */
    get url() {
      return running.url
    },
    /** Its data directory. */
    get dataDir() {
      return running.dataDir
    },
    /** Its log so far. */
    log: () => running?.log() ?? '',
  }
  const foreign = [] // requests to hosts other than 127.0.0.1
  const pageErrors = [] // uncaught exceptions in the pages

  before(async () => {
    running = await startServer(serverOptions)
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await running?.stop()
  })

  /**
   * Restart the server on the same data with extra environment, e.g.
   * { XJ_CLOCK_OFFSET: '1560h' } to move the casework clock on. Sessions
   * live in the database, so signed-in pages stay signed in; the URL (port)
   * changes, so pages navigate with server.url afterwards.
   */
  async function restart(env = {}) {
    const dataDir = running.dataDir
    await running.stop({ keepData: true })
    running = await startServer({ ...serverOptions, dataDir, env })
  }

  /** A new page in its own context (own cookies), with error/foreign-request tracking. */
  async function openPage() {
    const context = await newContext(browser, foreign)
    const page = await context.newPage()
    page.setDefaultTimeout(timeout)
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`))
    return { context, page }
  }

  /** Fill in the login form and submit it (no wait: the password may be wrong). */
  async function login(page, username, password = 'demo') {
    await page.goto(`${server.url}/login`)
    await input(page, 'login-username').fill(username)
    await input(page, 'login-password').fill(password)
    await input(page, 'login-password').press('Enter')
  }

  /** Log in and wait for the app's layout. */
  async function loginOk(page, username, password = 'demo') {
    await login(page, username, password)
    await page.waitForURL((u) => u.pathname !== '/login')
    await page.locator('[data-testid="side-menu"]').waitFor()
  }

  /** The UI works offline and without uncaught errors: call it in a last test. */
  function assertClean() {
    assert.deepEqual(foreign, [], `requests to other hosts: ${foreign.join(', ')}`)
    assert.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('\n')}`)
  }

  return {
    server,
    /** Requests to hosts other than 127.0.0.1, and uncaught page errors, so far. */
    foreign,
    pageErrors,
    openPage,
    login,
    loginOk,
    assertClean,
    restart,
  }
}

/** The input (or textarea) of an Element Plus field by its data-testid. */
export const input = (page, id) =>
  page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input, textarea[data-testid="${id}"], [data-testid="${id}"] textarea`).first()

/** Pick an option of an Element Plus select (the dropdown is teleported to <body>). */
export async function pickOption(page, trigger, text) {
  await trigger.click()
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.click()
  await option.waitFor({ state: 'hidden' })
}

/** GET from the page (its cookies): { status, body }. */
export async function apiGet(page, path) {
  return page.evaluate(async (path) => {
    const res = await fetch(path)
    return { status: res.status, body: await res.json() }
  }, path)
}

/** Call the API from the page (its cookies), with the session's CSRF token: { status, body }. */
export async function apiCall(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const { csrf_token } = await (await fetch('/api/v1/session')).json()
    const res = await fetch(path, {
      method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: res.status === 204 ? null : await res.json() }
  }, [method, path, body])
}

/** The data rows of an Element Plus table by its data-testid. */
export const tableRows = (page, table) => page.locator(`[data-testid="${table}"] .el-table__body-wrapper tbody tr.el-table__row`)

/**
 * Click a list's search button and wait until the list at `path` answered
 * with these query parameters ('' for an absent one) and the table is shown.
 */
export async function searchAndWait(page, { path, params, button, table }) {
  await Promise.all([
    page.waitForResponse((r) => {
      const u = new URL(r.url())
      return u.pathname === path && Object.entries(params).every(([k, v]) => (u.searchParams.get(k) ?? '') === v)
    }),
    page.locator(`[data-testid="${button}"]`).click(),
  ])
  await page.locator(`[data-testid="${table}"] .el-loading-mask`).waitFor({ state: 'hidden' }).catch(() => {})
}
