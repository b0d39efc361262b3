// Browser tests for 参考资料: the real Jiangmen discretion table imported through
// the UI, found by filter, a typical case written and opened, news read, and
// who sees which buttons.
// Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/reference.test.mjs
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { screenshot } from '../lib/browser.mjs'
import { browserSuite, input, searchAndWait, tableRows } from '../lib/suite.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const JIANGMEN = resolve(here, '..', '..', 'internal', 'reference', 'testdata', 'jmzyclb.xls')
const ECO = 'agency03' // 江州市生态环境局青岚分局
const ECO_ORG = '江州市生态环境局青岚分局'

const e2e = browserSuite({ server: { timeoutMs: 300_000 } }) // the demo seeds its records first; slow on a busy machine
const { server, openPage, loginOk } = e2e

const benchRows = (page) => tableRows(page, 'discretion-table')

/** Upload a file in the import dialog and wait for the server's answer. */
async function importFile(page, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/reference/discretion/import' && r.request().method() === 'POST', { timeout: 60_000 }),
    page.locator('[data-testid="discretion-import-dialog"] input[type="file"]').setInputFiles(path),
  ])
  return res
}

const statValue = async (page, key) =>
  Number((await page.locator(`[data-testid="discretion-stat-${key}"] .el-statistic__content`).innerText()).replace(/[^\d]/g, ''))

/** Apply the 裁量基准 filters and wait for the list. */
async function filter(page, { code = '', q = '' }) {
  await input(page, 'discretion-code').fill(code)
  await input(page, 'discretion-q').fill(q)
  await searchAndWait(page, {
    path: '/api/v1/reference/discretion', params: { violation_code: code, q }, button: 'discretion-search', table: 'discretion-table',
  })
}

describe('参考资料 web UI', () => {
  test('the ecology liaison imports the real Jiangmen table; re-import changes nothing; a bad CSV lists its rejects', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, ECO)
      const menu = await page.locator('[data-testid="side-menu"]').innerText()
      for (const word of ['参考资料', '裁量基准', '典型案例', '执法动态']) assert.ok(menu.includes(word), `menu has ${word}: ${menu}`)
      await page.locator('[data-testid="menu-discretion"]').click()
      await page.waitForURL(/\/reference\/discretion/)

      await page.locator('[data-testid="discretion-import-open"]').click()
      const dialog = page.locator('[data-testid="discretion-import-dialog"]')
      await dialog.waitFor()
      assert.equal(await dialog.locator('input[disabled]').first().inputValue(), ECO_ORG, 'a liaison imports for their own org')
      await input(page, 'discretion-import-issuer').fill('江门市生态环境局')
      const res = await importFile(page, JIANGMEN)
      assert.equal(res.status(), 200, await res.text())
      const rep = await res.json()
      // The demo already holds the table for this agency, seeded with an
      // effective date and domain this upload does not give: every row is
      // then a new revision of its benchmark (on a database without the demo
      // table, every row is new).
      assert.equal(rep.total, 872)
      assert.equal(rep.rejected, 0)
      assert.equal(rep.inserted + rep.updated, 872, JSON.stringify(rep))
      await page.locator('[data-testid="discretion-import-report"]').waitFor()
      assert.equal(await statValue(page, 'total'), 872)
      const sheets = page.locator('[data-testid="discretion-import-sheets"] .el-table__body-wrapper tbody tr')
      assert.equal(await sheets.count(), 12, 'twelve statute sheets (two empty sheets are skipped)')
      assert.match(await sheets.first().innerText(), /《中华人民共和国环境影响评价法》/)
      await screenshot(page, 'ref01-discretion-imported')

      // Again: nothing new.
      const again = await (await importFile(page, JIANGMEN)).json()
      assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 872])
      await page.locator('[data-testid="discretion-stat-unchanged"]').waitFor()
      assert.equal(await statValue(page, 'unchanged'), 872)

      // A CSV with a row that has no 裁量标准: the reject list says where and why.
      const dir = mkdtempSync(join(tmpdir(), 'xj-ref-'))
      const bad = join(dir, '补充裁量基准.csv')
      writeFileSync(bad, '序号,违法行为,法律依据,类别,裁量情节,裁量标准,备注\n' +
        'B-1,未按规定设置标识,《某条例》第十条,1,首次,处一千元以上五千元以下罚款,\n' +
        ',,,2,再次,,\n')
      const badRep = await (await importFile(page, bad)).json()
      assert.equal(badRep.inserted + badRep.unchanged, 1)
      assert.equal(badRep.rejected, 1)
      const rejects = page.locator('[data-testid="discretion-import-rejects"] .el-table__body-wrapper tbody tr')
      await rejects.first().waitFor()
      const text = await rejects.first().innerText()
      assert.match(text, /补充裁量基准/)
      assert.match(text, /\b3\b/)
      assert.match(text, /缺少裁量标准/)
      await screenshot(page, 'ref02-discretion-rejects')
      await page.keyboard.press('Escape')
    } finally {
      await context.close()
    }
  })

  test('another agency finds a known violation by filter and reads its range', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'agency01') // the police: benchmarks are shared
      await page.goto(`${server.url}/reference/discretion`)
      await benchRows(page).first().waitFor()
      assert.equal(await page.locator('[data-testid="discretion-import-open"]').count(), 1, 'a liaison may import for their own agency')

      await filter(page, { code: '2-1', q: '拒绝现场检查' })
      const first = benchRows(page).first()
      assert.match(await first.innerText(), /拒绝现场检查或者在接受检查时弄虚作假/)
      assert.equal(await first.locator('[data-testid="discretion-level"]').innerText(), '1')
      assert.equal(await first.locator('[data-testid="discretion-min"]').innerText(), '20,000.00')
      assert.equal(await first.locator('[data-testid="discretion-max"]').innerText(), '50,000.00')

      // 3-13 level 4 is merged over two circumstances; the file hides a 5
      // under the merge, the page shows 4 for both.
      await filter(page, { code: '3-13', q: '' })
      const levels = await benchRows(page).locator('[data-testid="discretion-level"]').allInnerTexts()
      assert.deepEqual(levels, ['1', '2', '2', '3', '3', '4', '4'])

      await benchRows(page).nth(6).click()
      const drawer = page.locator('[data-testid="discretion-detail"]')
      await drawer.waitFor()
      assert.equal(await drawer.locator('[data-testid="detail-standard"]').innerText(), '责令改正，处十五万元以上二十万元以下罚款')
      assert.match(await drawer.innerText(), /工作表“大气污染防治法”第 73 行/)
      await screenshot(page, 'ref03-discretion-detail')
    } finally {
      await context.close()
    }
  })

  test('a prosecutor writes a typical case and opens it; the court liaison reads it without edit buttons', async () => {
    const title = '罚款低于裁量基准下限的行政检察监督案（测试）'
    const { context, page } = await openPage()
    let caseUrl
    try {
      await loginOk(page, 'prosecutor')
      await page.locator('[data-testid="menu-typical-cases"]').click()
      await page.waitForURL(/\/reference\/cases$/)
      await page.locator('[data-testid="case-new"]').click()
      await page.locator('[data-testid="case-dialog"]').waitFor()
      await input(page, 'case-title').fill(title)
      await input(page, 'case-summary').fill('比对共享裁量基准，发现罚款额低于对应阶次下限。')
      await input(page, 'case-body').fill('检察院制发检察建议，行政机关重新作出处罚决定。')
      await page.locator('[data-testid="case-save"]').click()
      await page.waitForURL(/\/reference\/cases\/\d+$/)
      caseUrl = page.url()
      await page.locator('[data-testid="case-detail-body"]').waitFor() // loaded
      assert.equal(await page.locator('[data-testid="case-detail-title"]').innerText(), title)
      assert.match(await page.locator('[data-testid="case-detail-body"]').innerText(), /重新作出处罚决定/)
      await screenshot(page, 'ref04-case-detail')
    } finally {
      await context.close()
    }

    const court = await openPage()
    try {
      await loginOk(court.page, 'court')
      await court.page.locator('[data-testid="menu-typical-cases"]').click()
      const row = court.page.locator('[data-testid="case-table"] [data-testid="case-row-title"]', { hasText: title })
      await row.waitFor()
      assert.equal(await court.page.locator('[data-testid="case-new"]').count(), 0, 'the court liaison only reads')
      await row.click()
      await court.page.waitForURL(caseUrl)
      await court.page.locator('[data-testid="case-detail-summary"]').waitFor()
      assert.equal(await court.page.locator('[data-testid="case-edit"]').count(), 0)

      await court.page.locator('[data-testid="menu-news"]').click()
      await court.page.waitForURL(/\/reference\/news$/)
      await court.page.locator('[data-testid="news-table"]').waitFor()
      assert.equal(await court.page.locator('[data-testid="news-new"]').count(), 0, 'the court liaison does not publish')
    } finally {
      await court.context.close()
    }
  })

  test('the ecology liaison publishes news; everyone reads it', async () => {
    const title = '生态环境分局裁量基准已更新（测试）'
    const { context, page } = await openPage()
    try {
      await loginOk(page, ECO)
      await page.goto(`${server.url}/reference/news`)
      await page.locator('[data-testid="news-new"]').click()
      await page.locator('[data-testid="news-dialog"]').waitFor()
      await input(page, 'news-title').fill(title)
      await input(page, 'news-body').fill('已将江门市生态环境局裁量标准参照表导入平台。')
      await page.locator('[data-testid="news-save"]').click()
      await page.waitForURL(/\/reference\/news\/\d+$/)
      await page.locator('[data-testid="news-detail-body"]').waitFor() // loaded
      assert.equal(await page.locator('[data-testid="news-detail-title"]').innerText(), title)
      assert.equal(await page.locator('[data-testid="news-edit"]').count(), 1)
    } finally {
      await context.close()
    }
    const other = await openPage()
    try {
      await loginOk(other.page, 'agency01')
      await other.page.goto(`${server.url}/reference/news`)
      const row = other.page.locator('[data-testid="news-row-title"]', { hasText: title })
      await row.click()
      await other.page.locator('[data-testid="news-detail-body"]').waitFor()
      assert.equal(await other.page.locator('[data-testid="news-edit"]').count(), 0, "another agency cannot edit the ecology liaison's news")
      await screenshot(other.page, 'ref05-news-detail')
    } finally {
      await other.context.close()
    }
  })

  test('no request left 127.0.0.1 and no page raised an uncaught error', () => e2e.assertClean())
})
