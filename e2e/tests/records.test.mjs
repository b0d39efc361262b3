// Browser tests for 执法数据 (数据导入, 执法记录, 记录详情) against the real
// server with demo data. Run: cd e2e && npm test
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { screenshot } from '../lib/browser.mjs'
import { apiGet, browserSuite, input, pickOption, searchAndWait, tableRows } from '../lib/suite.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '..', '..')
const messyFile = join(repo, 'internal/enforce/testdata/messy_gbk.csv')

// The liaison of 江州市青岚区市场监督管理局 and a fragment of a party name in messy_gbk.csv.
const MARKET = 'agency04'
const MARKET_ORG = '江州市青岚区市场监督管理局'
const POLICE = 'agency01'
const PARTY = '华盛建材'
const PARTY_FULL = '江门市蓬江区华盛建材贸易有限公司'
const DOC_NO = '蓬市监罚〔2024〕101号'
// What the police liaison searches for: only the uploaded file has it.
const POLICE_Q = '蓬江区华盛建材'

const e2e = browserSuite()
const { server, openPage, loginOk, foreign, pageErrors } = e2e
let work // temp dir for generated upload files

before(() => {
  work = mkdtempSync(join(tmpdir(), 'xj-e2e-files-'))
})

after(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

/**
 * Choose a file on 数据导入 and wait for the import to end. The page uploads
 * with async=true (202 and a job) and polls GET /api/v1/import-jobs/{id};
 * this resolves with the job's outcome in the shape of a synchronous answer:
 * status 201 and the report, or the error's status and body.
 */
async function uploadFile(page, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/imports' && r.request().method() === 'POST', { timeout: 120_000 }),
    page.locator('[data-testid="import-card"] input[type="file"]').setInputFiles(path),
  ])
  if (res.status() !== 202) return res
  let j = await res.json()
  if (j.state === 'running') { // (a small or unreadable file may have finished already)
    const done = await page.waitForResponse(async (r) => {
      if (new URL(r.url()).pathname !== `/api/v1/import-jobs/${j.id}`) return false
      return (await r.json()).state !== 'running'
    }, { timeout: 120_000 })
    j = await done.json()
  }
  const status = j.state === 'done' ? 201 : { invalid_file: 400, forbidden: 403, not_found: 404 }[j.error.code] ?? 500
  const body = j.state === 'done' ? j.report : { error: j.error }
  return { status: () => status, json: async () => body, text: async () => JSON.stringify(body) }
}

const statValue = async (page, key) =>
  Number((await page.locator(`[data-testid="import-stat-${key}"] .el-statistic__content`).innerText()).replace(/[^\d]/g, ''))

/** Search 执法记录 for a keyword; resolves when the list answered. */
async function searchRecords(page, q) {
  await input(page, 'records-q').fill(q)
  await searchAndWait(page, { path: '/api/v1/records', params: { q }, button: 'records-search', table: 'records-table' })
}

const recordRows = (page) => tableRows(page, 'records-table')

let firstReport // the first import of messy_gbk.csv

describe('执法数据 web UI', () => {
  test('agency liaison imports the messy GBK file, sees Chinese reject reasons; re-import adds nothing; a correction is an update', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, MARKET)
      const menu = await page.locator('[data-testid="side-menu"]').innerText()
      for (const word of ['执法数据', '执法记录', '数据导入']) assert.ok(menu.includes(word), `liaison sees ${word}; menu: ${menu}`)

      await page.locator('[data-testid="menu-imports"]').click()
      await page.waitForURL(/\/imports/)
      assert.equal(await input(page, 'import-agency-fixed').inputValue(), MARKET_ORG, 'the liaison imports for their own org')
      assert.match(await page.locator('[data-testid="import-help"]').innerText(), /GBK/)
      await screenshot(page, 'r01-imports-empty')

      // Network latency holds the server's answer back a moment, so the
      // 正在校验入库… state (file sent, server working) can be seen.
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 1500, downloadThroughput: -1, uploadThroughput: -1 })
      const [res] = await Promise.all([
        uploadFile(page, messyFile),
        (async () => {
          const busy = page.locator('[data-testid="import-progress"]', { hasText: '正在校验入库' })
          await busy.waitFor()
          await screenshot(page, 'r02-import-processing')
        })(),
      ])
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
      assert.equal(res.status(), 201, `import: ${await res.text()}`)
      firstReport = await res.json()
      assert.ok(firstReport.inserted > 0, `rows were inserted: ${JSON.stringify(firstReport)}`)
      assert.ok(firstReport.rejected > 0, 'the messy file has rejected rows')

      const report = page.locator('[data-testid="import-report"]')
      await report.waitFor()
      assert.equal(await statValue(page, 'inserted'), firstReport.inserted)
      assert.equal(await statValue(page, 'rejected'), firstReport.rejected)
      assert.equal(await statValue(page, 'total'), firstReport.total)
      const rejects = page.locator('[data-testid="import-rejects"] .el-table__body-wrapper tbody tr')
      assert.ok((await rejects.count()) >= firstReport.rejected, 'every rejected row is listed with its reason')
      const rejectText = await page.locator('[data-testid="import-rejects"]').innerText()
      assert.match(rejectText, /不能为空/, 'reasons are in Chinese')
      assert.match(rejectText, /重复/)
      assert.ok(await page.locator('[data-testid="import-rejects-download"]').isVisible())
      await screenshot(page, 'r03-import-report')

      // The reject report downloads as XLSX.
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-testid="import-rejects-download"]').click(),
      ])
      assert.match(dl.suggestedFilename(), /\.xlsx$/)
      const xlsx = await dl.path()
      assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), 'PK', 'the reject report is an XLSX (zip) file')

      // The history lists the batch; a click shows its rejects from the server.
      const histRow = page.locator('[data-testid="import-history"] tbody tr', { hasText: 'messy_gbk.csv' }).first()
      await histRow.waitFor()
      await histRow.click()
      const dlg = page.locator('.el-dialog', { hasText: `批次 #${firstReport.batch_id} 拒收明细` })
      await dlg.waitFor()
      await dlg.locator('[data-testid="batch-rejects"] tbody tr').first().waitFor()
      assert.match(await dlg.innerText(), /不能为空/)
      await screenshot(page, 'r04-batch-rejects')
      await dlg.getByRole('button', { name: '关闭', exact: true }).click()
      await dlg.waitFor({ state: 'hidden' })

      // The same file again: nothing new, nothing changed.
      const again = await uploadFile(page, messyFile)
      assert.equal(again.status(), 201, `re-import: ${await again.text()}`)
      const second = await again.json()
      assert.notEqual(second.batch_id, firstReport.batch_id)
      await page.locator('[data-testid="import-report"]', { hasText: `批次 #${second.batch_id}` }).waitFor()
      assert.equal(await statValue(page, 'inserted'), 0, 're-importing the same file adds no record')
      assert.equal(await statValue(page, 'updated'), 0)
      assert.equal(await statValue(page, 'unchanged'), firstReport.inserted)
      await screenshot(page, 'r05-reimport-same')

      // A corrected copy (UTF-8 this time; one fine changed): one update.
      const text = new TextDecoder('gbk').decode(readFileSync(messyFile))
      assert.ok(text.includes('"20,000"'))
      const corrected = join(work, '青岚区市场监管处罚台账（更正）.csv')
      writeFileSync(corrected, '\ufeff' + text.replace('"20,000"', '"25,000"'))
      const third = await uploadFile(page, corrected)
      assert.equal(third.status(), 201, `corrected import: ${await third.text()}`)
      const fix = await third.json()
      await page.locator('[data-testid="import-report"]', { hasText: `批次 #${fix.batch_id}` }).waitFor()
      assert.equal(await statValue(page, 'updated'), 1, 'the corrected row becomes a new revision')
      assert.equal(await statValue(page, 'inserted'), 0)

      // A file that is not a table is refused with the server's Chinese message.
      const notTable = join(work, '处罚决定书扫描件.xlsx')
      writeFileSync(notTable, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
      const bad = await uploadFile(page, notTable)
      assert.equal(bad.status(), 400)
      assert.equal((await bad.json()).error.code, 'invalid_file')
      const err = page.locator('[data-testid="import-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /处罚决定书扫描件\.xlsx/)
      assert.match(await err.innerText(), /PDF/)
      assert.match(await err.innerText(), /不是 CSV 或 Excel 表格/, 'the server’s Chinese reason is shown')
      await screenshot(page, 'r06-import-error')
    } finally {
      await context.close()
    }
  })

  let recordId
  test('the liaison finds an imported record by a party-name fragment and opens its detail with the revision history', async () => {
    assert.ok(firstReport, 'the import test ran')
    const { context, page } = await openPage()
    try {
      await loginOk(page, MARKET)
      await page.locator('[data-testid="menu-records"]').click()
      await page.waitForURL(/\/records/)
      await recordRows(page).first().waitFor()
      assert.equal(await page.locator('[data-testid="records-agency"]').count(), 0, 'no agency filter for a liaison')
      await screenshot(page, 'r07-records-liaison')

      await searchRecords(page, PARTY)
      const rows = recordRows(page)
      await rows.first().waitFor()
      const n = await rows.count()
      assert.ok(n >= 1, 'the search finds the party')
      for (let i = 0; i < n; i++) assert.ok((await rows.nth(i).innerText()).includes(PARTY), 'every row matches the keyword')
      const row = rows.filter({ hasText: DOC_NO }).first()
      assert.match(await row.innerText(), /25,000\.00/, 'the fine (corrected) is shown in yuan with thousands separators')
      assert.match(page.url(), /q=/, 'the filter is kept in the address')
      await screenshot(page, 'r08-records-search')

      await row.locator('td').nth(3).click() // 类别 (a liaison's list has no 执法机关 column)
      await page.waitForURL(/\/records\/\d+/)
      recordId = Number(new URL(page.url()).pathname.split('/').pop())
      await page.locator('[data-testid="record-detail"]').waitFor()
      assert.equal((await page.locator('[data-testid="record-doc-no"]').innerText()).trim(), DOC_NO)
      assert.equal((await page.locator('[data-testid="record-party"]').innerText()).trim(), PARTY_FULL)
      const detail = await page.locator('[data-testid="record-detail"]').innerText()
      for (const group of ['相对人信息', '处罚决定', '金额', '日期与程序', '告知情况', '数据来源']) {
        assert.ok(detail.includes(group), `detail shows ${group}`)
      }
      assert.match(detail, /91440703MA4W3EQ70E/)
      assert.match(detail, /2024-05-06/)
      assert.match(await page.locator('[data-testid="record-detail"] [data-testid="record-fine"]').innerText(), /25,000\.00/)

      const revs = page.locator('[data-testid="record-revisions"]')
      assert.match(await revs.innerText(), /第 2 版/)
      assert.match(await revs.innerText(), /第 1 版/)
      const diff = revs.locator('[data-testid="audit-diff"]').first()
      await diff.waitFor()
      const diffText = await diff.innerText()
      assert.match(diffText, /罚款/, `the diff names the changed field: ${diffText}`)
      assert.match(diffText, /20000\.00/)
      assert.match(diffText, /25000\.00/)
      await screenshot(page, 'r09-record-detail')
      await revs.scrollIntoViewIfNeeded()
      await screenshot(page, 'r09b-record-revisions')

      // 返回列表 keeps the search.
      await page.locator('[data-testid="record-back"]').click()
      await page.waitForURL((u) => u.pathname === '/records' && u.searchParams.get('q') === PARTY)
      assert.equal(await input(page, 'records-q').inputValue(), PARTY)

      // A flagged record: the 15-digit ID of 陈志强 was converted.
      await input(page, 'records-q').fill('陈志强')
      await pickOption(page, page.locator('[data-testid="records-flag"]'), '15 位旧身份证号已转为 18 位')
      await page.waitForURL((u) => u.searchParams.get('flag') === 'converted_id15')
      const flagged = recordRows(page).filter({ hasText: '陈志强' }).first()
      await flagged.waitFor()
      assert.match(await flagged.innerText(), /15 位旧身份证号已转为 18 位/)
      await screenshot(page, 'r10-records-flag')
      await flagged.locator('td').nth(3).click()
      const flagsCard = page.locator('[data-testid="record-flags"]')
      await flagsCard.waitFor()
      assert.match(await flagsCard.innerText(), /15 位旧身份证号已转为 18 位/)
      assert.match(await flagsCard.innerText(), /已按规则转换为 18 位/, 'the flag is explained in Chinese')
      await screenshot(page, 'r10b-record-flagged')

      // 数据来源 links the record to its import batch on 数据导入.
      await page.goto(`${server.url}/records/${recordId}`)
      const batchLink = page.locator('[data-testid="record-batch"]')
      await batchLink.waitFor()
      const batchText = (await batchLink.innerText()).trim()
      await batchLink.click()
      await page.waitForURL((u) => u.pathname === '/imports' && u.searchParams.has('batch'))
      const dlg = page.locator('.el-dialog', { hasText: `${batchText} 拒收明细` })
      await dlg.waitFor()
      await dlg.locator('[data-testid="batch-rejects"] tbody tr').first().waitFor()
      await dlg.getByRole('button', { name: '关闭', exact: true }).click()
      await page.waitForURL((u) => u.pathname === '/imports' && !u.searchParams.has('batch'))
    } finally {
      await context.close()
    }
  })

  test('a police liaison does not see the market-supervision records', async () => {
    assert.ok(recordId, 'the previous test found the record')
    const { context, page } = await openPage()
    try {
      await loginOk(page, POLICE)
      assert.match(await page.locator('[data-testid="side-menu"]').innerText(), /执法记录/)
      await page.locator('[data-testid="menu-records"]').click()
      await page.waitForURL(/\/records/)
      await searchRecords(page, POLICE_Q)
      await page.locator('[data-testid="records-table"]', { hasText: '暂无执法记录' }).waitFor()
      assert.equal(await recordRows(page).count(), 0)
      assert.match(await page.locator('[data-testid="list-count"]').innerText(), /共 0 条/)
      await screenshot(page, 'r11-records-police')

      const api = await apiGet(page, `/api/v1/records?q=${encodeURIComponent(POLICE_Q)}`)
      assert.equal(api.status, 200)
      assert.equal(api.body.total, 0, 'the API hides other agencies’ records too')

      await page.goto(`${server.url}/records/${recordId}`)
      await page.locator('.el-result', { hasText: '记录不存在' }).waitFor()
      await screenshot(page, 'r12-record-out-of-scope')
    } finally {
      await context.close()
    }
  })

  test('a prosecutor sees the uploaded records, filters by agency and exports Excel', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      const menu = await page.locator('[data-testid="side-menu"]').innerText()
      assert.match(menu, /执法记录/)
      assert.ok(!menu.includes('数据导入'), `a prosecutor does not import; menu: ${menu}`)
      await page.locator('[data-testid="menu-records"]').click()
      await page.waitForURL(/\/records/)
      await recordRows(page).first().waitFor()

      await pickOption(page, page.locator('[data-testid="records-agency"]'), MARKET_ORG)
      await searchRecords(page, PARTY)
      const row = recordRows(page).filter({ hasText: DOC_NO }).first()
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(MARKET_ORG))
      await screenshot(page, 'r13-records-prosecutor')

      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-testid="records-export"]').click(),
      ])
      assert.match(dl.suggestedFilename(), /\.xlsx$/)
      assert.equal(readFileSync(await dl.path()).subarray(0, 2).toString(), 'PK', 'the export is an XLSX (zip) file')

      await row.locator('td').nth(4).click() // 类别
      await page.locator('[data-testid="record-detail"]').waitFor()
      assert.equal((await page.locator('[data-testid="record-doc-no"]').innerText()).trim(), DOC_NO)
      assert.equal(await page.locator('[data-testid="record-batch"]').count(), 0, 'no link to 数据导入 without record.import')
      await screenshot(page, 'r14-record-detail-prosecutor')

      // 数据导入 is not for prosecutors.
      await page.goto(`${server.url}/imports`)
      await page.locator('.el-message', { hasText: '无权访问' }).waitFor()
    } finally {
      await context.close()
    }
  })

  test('an administrator chooses the agency before uploading and sees every agency’s imports', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      await page.locator('[data-testid="menu-imports"]').click()
      await page.waitForURL(/\/imports/)
      await page.locator('[data-testid="import-agency"]').waitFor()
      await page.locator('[data-testid="import-card"] input[type="file"]').setInputFiles(messyFile)
      await page.locator('.el-message', { hasText: '请先选择执法机关' }).waitFor()
      const row = page.locator('[data-testid="import-history"] tbody tr', { hasText: 'messy_gbk.csv' }).first()
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(MARKET_ORG), 'the history names the agency for an administrator')
      await screenshot(page, 'r15-imports-admin')
    } finally {
      await context.close()
    }
  })

  test('no request left 127.0.0.1 and no page raised an uncaught error', () => {
    assert.deepEqual(foreign, [], `requests to other hosts: ${foreign.join(', ')}`)
    assert.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('\n')}`)
  })
})
