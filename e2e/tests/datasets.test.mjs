// Browser tests for 参考数据集: the administrator registers a dataset kind
// (a wrong definition first: the server's Chinese reasons are shown), uploads
// a CSV for a supplier with the progress and reject report of an import, and
// sees the rows; a court liaison sees only what the court supplied.
// Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/datasets.test.mjs
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { screenshot } from '../lib/browser.mjs'
import { browserSuite, input, pickOption, tableRows } from '../lib/suite.mjs'

const e2e = browserSuite({ server: { timeoutMs: 300_000 } }) // the demo seeds its records first; slow on a busy machine
const { server, openPage, loginOk } = e2e

const dir = mkdtempSync(join(tmpdir(), 'xj-datasets-'))
const CSV = join(dir, '车辆扣押.csv')
writeFileSync(CSV, [
  '青岚区车辆扣押台账（2024年）,,',
  '车牌号*,扣押日期,车主身份证号',
  '粤J12345,2024-05-06,440703199001011239',
  '粤J67890,2024/6/1,440703850315123',
  ',2024-06-02,440703198512152346',
].join('\n') + '\n')

/** Fill the i-th column row of the registration dialog. */
async function column(page, i, name, label, typeLabel) {
  await input(page, `ds-col-name-${i}`).fill(name)
  await input(page, `ds-col-label-${i}`).fill(label)
  if (typeLabel) await pickOption(page, page.locator(`[data-testid="ds-col-type-${i}"]`), typeLabel)
}

describe('参考数据集 web UI', () => {
  test('admin registers a dataset, uploads a CSV with a refused row and sees the rows', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      assert.ok((await page.locator('[data-testid="side-menu"]').innerText()).includes('参考数据集'))
      await page.locator('[data-testid="menu-datasets"]').click()
      await page.waitForURL(/\/datasets$/)
      await tableRows(page, 'datasets-table').filter({ hasText: '刑事起诉与判决' }).first().waitFor()
      const list = await page.locator('[data-testid="datasets-table"]').innerText()
      for (const word of ['刑事起诉与判决', '死亡人员', '行政处罚', '执法数据']) assert.ok(list.includes(word), `list has ${word}`)
      await screenshot(page, 'ds01-list')

      await page.locator('[data-testid="dataset-register"]').click()
      const dialog = page.locator('[data-testid="dataset-register-dialog"]')
      await dialog.waitFor()
      await input(page, 'ds-name').fill('vehicle_seizures')
      await input(page, 'ds-label').fill('车辆扣押记录')
      await column(page, 0, 'plate_no', '车牌号')
      await column(page, 1, 'seized_on', '扣押日期', '日期')
      await page.locator('[data-testid="ds-add-column"]').click()
      await column(page, 2, 'owner_id_no', '车主身份证号', '身份证号')

      // No key column yet: the server refuses with its reason.
      await page.locator('[data-testid="ds-register-submit"]').click()
      await page.locator('[data-testid="ds-register-error"]').waitFor()
      assert.match(await page.locator('[data-testid="ds-register-error"]').innerText(), /至少要指定一个标识列/)

      // A multi-select stays open after a pick: choose, then close it.
      await page.locator('[data-testid="ds-keys"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '车牌号（plate_no）' }).first().click()
      await page.locator('[data-testid="ds-name"]').click() // close the dropdown
      await page.locator('.el-select-dropdown__item', { hasText: '车牌号（plate_no）' }).first().waitFor({ state: 'hidden' })
      await pickOption(page, page.locator('[data-testid="ds-date-column"]'), '扣押日期（seized_on）')
      await page.locator('[data-testid="ds-register-submit"]').click()
      await page.waitForURL(/\/datasets\/vehicle_seizures$/)
      assert.equal(await page.locator('[data-testid="dataset-title"]').innerText(), '车辆扣押记录')
      assert.match(await page.locator('[data-testid="dataset-columns"]').innerText(), /车牌号[\s\S]*标识[\s\S]*owner_id_no[\s\S]*身份证号/)

      // Upload for the public security bureau.
      await pickOption(page, page.locator('[data-testid="dataset-import-agency"]'), '江州市公安局青岚分局')
      const [res] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/datasets/vehicle_seizures/imports' && r.request().method() === 'POST'),
        page.locator('[data-testid="dataset-import-card"] input[type="file"]').setInputFiles(CSV),
      ])
      assert.equal(res.status(), 202, await res.text())
      await page.locator('[data-testid="dataset-import-report"]').waitFor({ timeout: 60_000 })
      const stat = async (key) => Number((await page.locator(`[data-testid="dataset-stat-${key}"] .el-statistic__content`).innerText()).replace(/[^\d]/g, ''))
      assert.equal(await stat('inserted'), 2)
      assert.equal(await stat('rejected'), 1)
      assert.match(await page.locator('[data-testid="dataset-rejects"]').innerText(), /5[\s\S]*标识列“车牌号”不能为空/)
      await screenshot(page, 'ds02-imported')

      const rows = tableRows(page, 'dataset-rows')
      await rows.nth(1).waitFor()
      assert.equal(await rows.count(), 2)
      const text = await page.locator('[data-testid="dataset-rows"]').innerText()
      assert.ok(text.includes('粤J12345') && text.includes('440703198503151237'), `rows: ${text}`) // the 15-digit ID became 18
      assert.ok(text.includes('江州市公安局青岚分局'))

      await input(page, 'dataset-rows-q').fill('67890')
      await page.locator('[data-testid="dataset-rows-search"]').click()
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-rows"] tbody tr.el-table__row').length === 1)
    } finally {
      await context.close()
    }
  })

  test('a court liaison sees the menu entry, no register button, and none of the bureau\'s rows', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'court')
      await page.locator('[data-testid="menu-datasets"]').click()
      await page.waitForURL(/\/datasets$/)
      await page.locator('[data-testid="datasets-table"]').waitFor()
      assert.equal(await page.locator('[data-testid="dataset-register"]').count(), 0)
      await page.goto(`${server.url}/datasets/vehicle_seizures`)
      await page.locator('[data-testid="dataset-title"]').waitFor()
      await page.locator('[data-testid="dataset-import-card"]').waitFor() // the court may supply rows of its own
      await page.locator('[data-testid="dataset-rows"] .el-table__empty-text').waitFor()
    } finally {
      await context.close()
    }
  })

  test('no request left 127.0.0.1 and no page raised an uncaught error', () => e2e.assertClean())
})
