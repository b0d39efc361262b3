// Browser tests for 数据质量 (who shares enforcement data, how late, how clean)
// against the real server with the demo district's records.
// Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/quality.test.mjs
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from '../lib/browser.mjs'
import { apiCall, browserSuite, tableRows } from '../lib/suite.mjs'

const MARKET_ORG = '江州市青岚区市场监督管理局'
// Every demo agency decides penalties up to the demo's "today" (2026-11-20),
// so none of them is silent in a range that ends there. An agency added now
// has shared nothing, ever: it must be flagged.
const NEW_AGENCY = { code: 'QLTJJ', name: '江州市青岚区统计局', kind: 'agency' }
const FIXED = { from: '2025-12-01', to: '2026-11-20' } // inclusive, as the page's picker

const e2e = browserSuite()
const { server, openPage, loginOk } = e2e

const isQuality = (r) => new URL(r.url()).pathname === '/api/v1/records/quality'
const rows = (page) => tableRows(page, 'quality-table')

/** The table's rows as { name, records, recent, silent, tag }. */
async function qualityRows(page) {
  return rows(page).evaluateAll((trs) => trs.map((tr) => ({
    name: tr.querySelector('.agency-name')?.textContent.trim() ?? '',
    records: Number((tr.querySelector('[data-testid="quality-records"]')?.textContent ?? '').replace(/[^\d]/g, '')),
    recent: Number((tr.querySelector('[data-testid="quality-recent"]')?.textContent ?? '').replace(/[^\d]/g, '')),
    silent: tr.classList.contains('silent-row'),
    tag: tr.querySelector('[data-testid="quality-silent-tag"]')?.textContent.trim() ?? '',
    bars: tr.querySelectorAll('[data-testid="quality-spark"] rect').length,
  })))
}

/** Next day of a YYYY-MM-DD date. */
function nextDay(s) {
  const d = new Date(`${s}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

describe('数据质量 web UI', () => {
  // The administrator adds an agency through the API, as 机构管理 does (in
  // the suite: after the server and browser of browserSuite have started).
  before(async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      const res = await apiCall(page, 'POST', '/api/v1/orgs', NEW_AGENCY)
      assert.equal(res.status, 201, `create agency: ${JSON.stringify(res.body)}`)
    } finally {
      await context.close()
    }
  })

  test('the prosecutor opens 数据质量: every agency with its figures, the silent one flagged 未报送 at the top', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      assert.match(await page.locator('[data-testid="side-menu"]').innerText(), /数据质量/)
      const [res] = await Promise.all([page.waitForResponse(isQuality), page.locator('[data-testid="menu-quality"]').click()])
      await page.waitForURL(/\/records\/quality/)
      assert.equal(res.status(), 200)
      const api = (await res.json()).items
      // The default range: the last 12 months, up to and including today.
      const q = new URL(res.url()).searchParams
      const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
      assert.equal(q.get('to'), nextDay(today), 'to is exclusive: today counts')
      assert.match(q.get('from'), /^\d{4}-\d{2}-01$/)
      assert.equal(await page.locator('[data-testid="quality-table"]').isVisible(), true)

      let list = await qualityRows(page)
      assert.equal(list.length, api.length, 'one row per agency')
      assert.ok(list.length >= 26, `25 demo agencies and towns plus the new one: ${list.length}`)
      assert.equal(list[0].name, NEW_AGENCY.name, 'the agency that never shared is first')
      assert.ok(list[0].silent && /未报送/.test(list[0].tag), `flagged: ${JSON.stringify(list[0])}`)
      assert.equal(list[0].records, 0)
      assert.equal(list[0].bars, 12, 'a bar per month of the range')
      const alert = await page.locator('[data-testid="quality-silent"]').innerText()
      assert.match(alert, /未报送/)
      assert.ok(alert.includes(NEW_AGENCY.name), alert)
      // The numbers shown are the API's.
      for (const it of api) {
        const row = list.find((r) => r.name === it.agency_name)
        assert.ok(row, `${it.agency_name} listed`)
        assert.equal(row.records, it.records, `${it.agency_name} records`)
        assert.equal(row.recent, it.recent_records, `${it.agency_name} recent`)
        assert.equal(row.silent, it.recent_records === 0, `${it.agency_name} highlighted iff silent`)
      }
      await screenshot(page, 'q01-quality-default')

      // A fixed range ending on the demo's "today": every demo agency shared
      // in its last month; only the new agency is silent.
      await Promise.all([
        page.waitForResponse((r) => isQuality(r) && new URL(r.url()).searchParams.get('from') === FIXED.from),
        page.goto(`${server.url}/records/quality?from=${FIXED.from}&to=${FIXED.to}`),
      ])
      await rows(page).first().waitFor()
      list = await qualityRows(page)
      const silent = list.filter((r) => r.silent)
      assert.deepEqual(silent.map((r) => r.name), [NEW_AGENCY.name], `only the new agency is silent: ${JSON.stringify(silent)}`)
      assert.equal(list[0].tag, '从未报送')
      const market = list.find((r) => r.name === MARKET_ORG)
      assert.ok(market.records > 100 && market.recent > 0, `market regulator figures: ${JSON.stringify(market)}`)
      assert.ok(list.filter((r) => !r.silent).every((r) => r.records > 0 && r.recent > 0 && r.bars === 12), JSON.stringify(list))
      const lag = await rows(page).filter({ hasText: MARKET_ORG }).locator('[data-testid="quality-lag"]').innerText()
      assert.match(lag, /^\d+(\.\d)?$/, `median lag shown: ${lag}`)
      assert.match(await rows(page).filter({ hasText: MARKET_ORG }).locator('[data-testid="quality-missing"]').innerText(), /^\d+\.\d%$/)
      assert.match(await page.locator('[data-testid="quality-summary"]').innerText(), /近一月未报送\s*1/)
      // The chart of monthly volume by agency is drawn.
      await page.locator('[data-testid="quality-chart"] canvas').first().waitFor()
      await screenshot(page, 'q02-quality-fixed-range')

      // Sortable: 记录数 ascending, then descending.
      const header = page.locator('[data-testid="quality-table"] .el-table__header-wrapper th', { hasText: '记录数' })
      await header.click()
      let counts = (await qualityRows(page)).map((r) => r.records)
      assert.deepEqual(counts, [...counts].sort((a, b) => a - b), `ascending: ${counts}`)
      await header.click()
      counts = (await qualityRows(page)).map((r) => r.records)
      assert.deepEqual(counts, [...counts].sort((a, b) => b - a), `descending: ${counts}`)
      assert.equal((await qualityRows(page)).at(-1).name, NEW_AGENCY.name)

      // 近 12 个月 goes back to the default range, in the address too.
      const [again] = await Promise.all([
        page.waitForResponse((r) => isQuality(r) && new URL(r.url()).searchParams.get('from') === q.get('from')),
        page.getByRole('button', { name: '近 12 个月' }).click(),
      ])
      assert.equal(new URL(again.url()).searchParams.get('to'), q.get('to'))
      assert.equal(new URL(page.url()).searchParams.get('from'), q.get('from'))
      await Promise.all([
        page.waitForResponse((r) => isQuality(r) && new URL(r.url()).searchParams.get('from') === FIXED.from),
        page.goto(`${server.url}/records/quality?from=${FIXED.from}&to=${FIXED.to}`),
      ])
      await rows(page).first().waitFor()

      // A count links to the agency's records in the same range.
      await rows(page).filter({ hasText: MARKET_ORG }).locator('a[data-testid="quality-records"]').click()
      await page.waitForURL(/\/records\?/)
      const u = new URL(page.url())
      assert.equal(u.searchParams.get('from'), FIXED.from)
      assert.equal(u.searchParams.get('to'), FIXED.to)
      assert.ok(u.searchParams.get('agency_id'))
    } finally {
      await context.close()
    }
  })

  test('a range without records: every agency is 未报送 and the chart says so', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      await page.goto(`${server.url}/records/quality?from=2020-01-01&to=2020-06-30`)
      await page.locator('[data-testid="quality-chart-empty"]').waitFor()
      const list = await qualityRows(page)
      assert.ok(list.length >= 26 && list.every((r) => r.silent && r.records === 0 && r.bars === 6), JSON.stringify(list.slice(0, 3)))
      assert.match(await page.locator('[data-testid="quality-chart-empty"]').innerText(), /均未报送/)
      await screenshot(page, 'q03-quality-no-records')
    } finally {
      await context.close()
    }
  })

  test('an agency liaison sees only their own agency', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'agency04')
      const [res] = await Promise.all([page.waitForResponse(isQuality), page.locator('[data-testid="menu-quality"]').click()])
      assert.equal((await res.json()).items.length, 1)
      await rows(page).first().waitFor()
      const list = await qualityRows(page)
      assert.deepEqual(list.map((r) => r.name), [MARKET_ORG])
      const text = await page.locator('[data-testid="quality-table"]').innerText()
      assert.ok(!text.includes('公安局') && !text.includes(NEW_AGENCY.name), 'no other agency on the page')
      await screenshot(page, 'q04-quality-liaison')
    } finally {
      await context.close()
    }
  })

  test('when the server fails, the page says so and 重试 recovers', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      await page.route('**/api/v1/records/quality*', (route) => route.fulfill({
        status: 500, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } }),
      }))
      await page.goto(`${server.url}/records/quality`)
      const err = page.locator('[data-testid="quality-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /数据质量加载失败[\s\S]*服务器内部错误/)
      await screenshot(page, 'q05-quality-error')
      await page.unroute('**/api/v1/records/quality*')
      await page.getByRole('button', { name: '重试' }).click()
      await rows(page).first().waitFor()
      assert.equal(await err.count(), 0)
    } finally {
      await context.close()
    }
  })

  test('no page errors and no foreign requests', () => e2e.assertClean())
})
