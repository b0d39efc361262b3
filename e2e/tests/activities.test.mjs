// Browser tests for 行政检查 and 行政强制 against the real server with the demo
// district's inspections and compulsory measures: browse, filter, open a
// record. Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/activities.test.mjs
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from '../lib/browser.mjs'
import { apiGet, browserSuite, pickOption, tableRows as rows } from '../lib/suite.mjs'

const MARKET = 'agency04' // the liaison of 江州市青岚区市场监督管理局
const MARKET_ORG = '江州市青岚区市场监督管理局'

const e2e = browserSuite()
const { openPage, loginOk } = e2e

/** The list's total from its footer (共 N 条). */
async function listTotal(page) {
  const count = await page.locator('[data-testid="list-count"]').innerText()
  return Number(/共 ([\d,+]+) 条/.exec(count)?.[1].replace(/[,+]/g, ''))
}

/**
 * Wait until the table has settled on rows that all pass check (or fail with
 * what it shows). The check runs here in Node on the rows' text: the page's
 * Content-Security-Policy forbids building a function from a string there.
 */
async function settled(page, table, check, timeout = 30_000) {
  await page.locator(`[data-testid="${table}"] .el-loading-mask`).waitFor({ state: 'hidden' }).catch(() => {})
  const rows = page.locator(`[data-testid="${table}"] .el-table__body-wrapper tbody tr.el-table__row`)
  const deadline = Date.now() + timeout
  let texts = []
  while (Date.now() < deadline) {
    texts = await rows.allInnerTexts()
    if (texts.length > 0 && texts.every((t) => check(t))) return
    await page.waitForTimeout(100)
  }
  throw new Error(`${table} did not settle; rows: ${JSON.stringify(texts.slice(0, 3))}`)
}

describe('行政检查与行政强制', () => {
  test('a prosecutor browses inspections, filters by result and opens one', async (t) => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      const menu = await page.locator('[data-testid="side-menu"]').innerText()
      for (const word of ['行政检查', '行政强制']) assert.ok(menu.includes(word), `menu has ${word}: ${menu}`)
      await page.locator('[data-testid="menu-inspections"]').click()
      await page.waitForURL((u) => u.pathname === '/inspections')
      await settled(page, 'inspections-table', (text) => text.length > 0)
      const total = await listTotal(page)
      assert.ok(total >= 2000, `the demo has thousands of inspections: ${total}`)

      await pickOption(page, page.locator('[data-testid="inspections-result"]'), '责令整改')
      await page.waitForURL((u) => u.searchParams.get('result') === 'rectify')
      await settled(page, 'inspections-table', (text) => text.includes('责令整改') && !text.includes('未发现问题'))
      const filtered = await listTotal(page)
      assert.ok(filtered > 0 && filtered < total, `the result filter narrows ${total} to ${filtered}`)

      const first = rows(page, 'inspections-table').first()
      const doc = (await first.locator('a').first().innerText()).trim()
      await first.locator('a').first().click()
      await page.waitForURL(/\/inspections\/\d+$/)
      await page.locator('[data-testid="inspection-doc-no"]').waitFor()
      assert.equal((await page.locator('[data-testid="inspection-doc-no"]').innerText()).trim(), doc)
      assert.equal((await page.locator('[data-testid="inspection-result"]').innerText()).trim(), '责令整改')
      const detail = await page.locator('[data-testid="inspection-detail"]').innerText()
      for (const word of ['被检查对象', '检查记录编号', '整改期限', '来源批次', '演示数据']) assert.ok(detail.includes(word), `detail shows ${word}`)
      assert.match(await page.locator('[data-testid="inspection-revisions"]').innerText(), /第 1 版/)

      await page.locator('[data-testid="inspection-back"]').click()
      await page.waitForURL((u) => u.pathname === '/inspections' && u.searchParams.get('result') === 'rectify')
      await screenshot(page, 'inspections')
    } catch (e) {
      await screenshot(page, 'inspections-failed').catch(() => {})
      throw e
    } finally {
      await context.close()
    }
  })

  test('a prosecutor finds the measures kept beyond the statutory period', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      await page.locator('[data-testid="menu-measures"]').click()
      await page.waitForURL((u) => u.pathname === '/measures')
      await settled(page, 'measures-table', (text) => text.length > 0)
      const all = await listTotal(page)
      assert.ok(all >= 100, `the demo has hundreds of measures: ${all}`)

      await pickOption(page, page.locator('[data-testid="measures-flag"]'), '超过法定期限')
      await page.waitForURL((u) => u.searchParams.get('flag') === 'measure_period_exceeded')
      await settled(page, 'measures-table', (text) => text.includes('超过法定期限'))
      const flagged = await listTotal(page)
      assert.ok(flagged > 0 && flagged * 5 < all, `a small planted share is flagged: ${flagged} of ${all}`)

      await rows(page, 'measures-table').first().click()
      await page.waitForURL(/\/measures\/\d+$/)
      await page.locator('[data-testid="measure-flags"]').waitFor()
      assert.match(await page.locator('[data-testid="measure-flags"]').innerText(), /超过法定期限[\s\S]*第二十五条/)
      const detail = await page.locator('[data-testid="measure-detail"]').innerText()
      for (const word of ['强制措施种类', '期限（日）', '当场告知理由、依据和权利', '现场笔录']) assert.ok(detail.includes(word), `detail shows ${word}`)
      await screenshot(page, 'measure-detail')
    } catch (e) {
      await screenshot(page, 'measures-failed').catch(() => {})
      throw e
    } finally {
      await context.close()
    }
  })

  test('an agency liaison sees only their own inspections and measures', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, MARKET)
      await page.locator('[data-testid="menu-inspections"]').click()
      await settled(page, 'inspections-table', (text) => text.length > 0)
      const headers = await page.locator('[data-testid="inspections-table"] thead').innerText()
      assert.ok(!headers.includes('执法机关'), `no agency column for a liaison: ${headers}`)
      for (const path of ['/api/v1/inspections?limit=500', '/api/v1/measures?limit=500']) {
        const r = await apiGet(page, path)
        assert.equal(r.status, 200)
        assert.ok(r.body.items.length > 0, `${path}: the market bureau has records`)
        const others = r.body.items.filter((it) => it.agency_name !== MARKET_ORG)
        assert.equal(others.length, 0, `${path}: another agency's records: ${JSON.stringify(others[0])}`)
      }
      // The demo seeds the police sub-bureau's inspections first: id 1 is theirs.
      const stranger = await apiGet(page, '/api/v1/inspections/1')
      assert.equal(stranger.status, 404, 'another agency’s inspection answers 404')
    } finally {
      await context.close()
    }
  })

  test('no page errors', () => e2e.assertClean())
})
