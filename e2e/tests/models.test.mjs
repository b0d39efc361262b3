// Browser tests for 监督模型: a prosecutor runs the catalogue on the demo
// district and follows its progress, opens a lead and sees why it fired
// (legal basis with its article) and dismisses one with a reason; the
// administrator's out-of-bounds parameter is refused in Chinese; analyst mode
// runs a SELECT and refuses an UPDATE; an agency liaison runs a self-check and
// sees only its own unit's results, which never become leads.
// Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/models.test.mjs
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from '../lib/browser.mjs'
import { apiGet, browserSuite, input, pickOption, tableRows } from '../lib/suite.mjs'

const e2e = browserSuite({ server: { timeoutMs: 300_000 } }) // the demo seeds its records first
const { openPage, loginOk } = e2e

describe('监督模型 web UI', () => {
  test('the prosecutor runs every enabled model, follows the progress and triages a lead', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      const menu = await page.locator('[data-testid="side-menu"]').innerText()
      for (const w of ['监督模型', '模型目录', '线索研判', '数据分析']) assert.ok(menu.includes(w), `menu has ${w}`)
      assert.ok(!menu.includes('单位自查'), 'self-check is the agencies’')
      await page.locator('[data-testid="menu-group-supervision"]').click()
      await page.locator('[data-testid="menu-models"]').click()
      await page.waitForURL(/\/models$/)
      await tableRows(page, 'models-table').filter({ hasText: '简易程序超限' }).first().waitFor()
      const table = await page.locator('[data-testid="models-table"]').innerText()
      assert.match(table, /#20/)
      assert.match(table, /《中华人民共和国行政处罚法》第五十一条/)
      const models = (await apiGet(page, '/api/v1/models')).body.items
      const enabled = models.filter((m) => m.enabled).length
      assert.ok(enabled >= 10, `enabled models: ${enabled}`)

      await page.locator('[data-testid="models-run-all"]').click()
      await page.locator('[data-testid="models-progress"]').waitFor()
      const text = page.locator('[data-testid="models-progress-text"]')
      await text.filter({ hasText: '运行完成' }).waitFor({ timeout: 180_000 })
      const done = await text.innerText()
      assert.ok(done.includes(`${enabled}/${enabled} 个模型`), done)
      const newLeads = Number(/新增线索 (\d+) 条/.exec(done)?.[1])
      assert.ok(newLeads > 0, done)
      // The catalogue shows the run and the hits.
      await page.locator('[data-testid="model-spark"]').first().waitFor()
      await screenshot(page, 'models01-catalogue-run')

      await page.locator('[data-testid="models-progress-leads"]').click()
      await page.waitForURL(/\/leads/)
      await tableRows(page, 'leads-table').first().waitFor()
      assert.match(await page.locator('[data-testid="leads-total"]').innerText(), new RegExp(`共 ${newLeads} 条`))

      // Why a lead fired: the rule, the statute with the article, the evidence.
      await input(page, 'leads-filter-q').fill('简易程序罚款')
      await page.locator('[data-testid="leads-search"]').click()
      await page.waitForURL(/q=/)
      await tableRows(page, 'leads-table').first().waitFor()
      await page.locator('[data-testid="lead-link"]').first().click()
      await page.waitForURL(/\/leads\/\d+$/)
      const why = await page.locator('[data-testid="lead-why"]').innerText()
      assert.match(why, /简易程序超限/)
      assert.match(await page.locator('[data-testid="lead-legal"]').innerText(), /《中华人民共和国行政处罚法》第五十一条/)
      assert.match(await page.locator('[data-testid="lead-legal-ref"]').first().innerText(), /第五十一条/)
      const evidence = await page.locator('[data-testid="lead-evidence"]').innerText()
      assert.match(evidence, /罚款金额|罚款/)
      assert.match(evidence, / 元/, 'money shown in yuan')
      assert.ok(!evidence.includes('p.doc_no'), 'evidence keys are labelled')
      await screenshot(page, 'models02-lead')

      // 排除 needs a reason.
      await page.locator('[data-testid="lead-dismiss"]').click()
      await page.locator('[data-testid="lead-triage-submit"]').click()
      await page.getByText('排除线索须填写理由').waitFor()
      await input(page, 'lead-triage-note').fill('经核实，该处罚系普通程序，台账登记有误')
      await page.locator('[data-testid="lead-triage-submit"]').click()
      await page.locator('[data-testid="lead-detail-status"]', { hasText: '已排除' }).waitFor()
      assert.match(await page.locator('[data-testid="lead-note"]').innerText(), /台账登记有误/)
    } finally {
      await context.close()
    }
  })

  test('the administrator sets a parameter out of bounds: refused with the bounds in Chinese', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      await page.goto(`${page.url().replace(/\/[^/]*$/, '')}/models/m20_simple_over_limit`)
      await page.locator('[data-testid="model-title"]').filter({ hasText: '#20 简易程序超限' }).waitFor()
      assert.match(await page.locator('[data-testid="model-legal"]').innerText(), /第五十一条/)
      assert.match(await page.locator('[data-testid="model-sql"]').innerText(), /penalties/)
      const field = input(page, 'param-person_limit_fen')
      await field.fill('999999999')
      await field.press('Tab')
      await page.locator('[data-testid="model-save"]').click()
      const err = page.locator('[data-testid="model-save-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /超出允许范围/)
      const m = (await apiGet(page, '/api/v1/models/m20_simple_over_limit')).body
      assert.equal(m.params.find((p) => p.name === 'person_limit_fen').value, 20000, 'nothing saved')
      // A back-test counts hits by month without creating leads.
      await page.locator('[data-testid="model-backtest"]').click()
      await page.locator('[data-testid="backtest-total"]').waitFor()
      assert.match(await page.locator('[data-testid="backtest-total"]').innerText(), /共命中 [1-9]/)
      await page.locator('[data-testid="bar-chart"]').waitFor()
      await screenshot(page, 'models03-detail')
    } finally {
      await context.close()
    }
  })

  test('analyst mode runs a SELECT and refuses an UPDATE', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      await page.locator('[data-testid="menu-group-supervision"]').click()
      await page.locator('[data-testid="menu-analyst"]').click()
      await page.waitForURL(/\/analyst$/)
      await page.locator('[data-testid="analyst-tables"]').getByText('penalties').first().waitFor()
      await page.locator('[data-testid="analyst-run"]').click()
      await tableRows(page, 'analyst-result').first().waitFor()
      assert.match(await page.locator('[data-testid="analyst-summary"]').innerText(), /\d+ 行/)
      await input(page, 'analyst-sql').fill('UPDATE penalties SET fine_fen = 0')
      await page.locator('[data-testid="analyst-run"]').click()
      const err = page.locator('[data-testid="analyst-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /SELECT/)
      await screenshot(page, 'models04-analyst')
    } finally {
      await context.close()
    }
  })

  test('agency01 runs a self-check and sees only its own unit’s results', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'agency01')
      const leadsBefore = await apiGet(page, '/api/v1/leads')
      assert.equal(leadsBefore.status, 403, 'leads are the procuratorate’s')
      await page.locator('[data-testid="menu-selfcheck"]').click()
      await page.waitForURL(/\/selfcheck$/)
      assert.match(await page.locator('[data-testid="selfcheck-note"]').innerText(), /仅本单位可见/)
      await page.locator('[data-testid="selfcheck-run"]').click()
      await page.locator('[data-testid="selfcheck-progress-text"]').filter({ hasText: '自查完成' }).waitFor({ timeout: 180_000 })
      await page.locator('[data-testid="selfcheck-group"]').first().waitFor()
      const res = (await apiGet(page, '/api/v1/selfcheck/results')).body.items
      assert.ok(res.length > 0, 'the demo plants irregularities in 公安局青岚分局 too')
      // Every result is of this unit: the evidence's agency is its own.
      const me = (await apiGet(page, '/api/v1/session')).body
      const orgName = me.user?.org_name ?? me.org_name
      for (const r of res) {
        const ag = r.evidence.find((e) => e.key === 'p.agency_name')
        if (ag) assert.equal(ag.value, orgName, `${r.title} belongs to ${ag.value}`)
      }
      const runs = (await apiGet(page, '/api/v1/selfcheck/runs')).body.items
      assert.ok(runs.every((r) => r.agency_id === runs[0].agency_id), 'only this unit’s runs')
      await screenshot(page, 'models05-selfcheck')
    } finally {
      await context.close()
    }
    // Another unit sees none of agency01's results, and the procuratorate's
    // leads did not grow.
    const other = await openPage()
    try {
      await loginOk(other.page, 'agency02')
      const res = (await apiGet(other.page, '/api/v1/selfcheck/results')).body.items
      assert.equal(res.length, 0, 'agency02 has not run a self-check: it sees nothing')
    } finally {
      await other.context.close()
    }
  })

  test('a prosecutor writes a model: the error names its spot, the form writes valid YAML, back-test, saved disabled', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      await page.goto(new URL('/models/new', page.url()).href)
      await page.locator('[data-testid="model-edit-title"]').waitFor()
      // The form: basics, one condition, the evidence; 生成 YAML writes the text.
      await input(page, 'form-id').fill('u_e2e_simple')
      await input(page, 'form-name').fill('简易程序大额罚款（测试）')
      await input(page, 'form-statute').fill('中华人民共和国行政处罚法')
      await input(page, 'form-article').fill('第五十一条')
      await page.locator('[data-testid="form-add-cond"]').click()
      const cond = page.locator('[data-testid="form-cond"]').first()
      await pickOption(page, cond.locator('.el-select').first(), 'p.procedure ')
      await cond.locator('input.el-input__inner').last().fill('simple')
      await input(page, 'form-title').fill('{p.party_name}：简易程序罚款 {p.fine_fen|yuan} 元')
      await page.locator('[data-testid="form-evidence"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: 'p.doc_no ' }).first().click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: 'p.fine_fen ' }).first().click()
      await page.keyboard.press('Escape')
      await page.locator('[data-testid="form-generate"]').click()
      const yaml = input(page, 'model-yaml')
      assert.match(await yaml.inputValue(), /col: p\.procedure, op: "=", value: "simple"/)
      await page.locator('[data-testid="model-validate"]').click()
      await page.locator('[data-testid="model-edit-ok"]').waitFor()
      assert.match(await page.locator('[data-testid="model-edit-sql"]').innerText(), /penalties/)

      // A wrong column: the server's Chinese error names the spot.
      const good = await yaml.inputValue()
      await yaml.fill(good.replace('col: p.procedure', 'col: p.no_such_column'))
      await page.locator('[data-testid="model-validate"]').click()
      const err = page.locator('[data-testid="model-edit-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /where\[0\]/)
      await yaml.fill(good)
      await page.locator('[data-testid="model-edit-backtest"]').click()
      await page.locator('[data-testid="model-edit-backtest-result"]').waitFor()
      assert.match(await page.locator('[data-testid="model-edit-backtest-result"]').innerText(), /回测命中 [1-9]\d* 条/)
      await page.locator('[data-testid="model-edit-save"]').click()
      await page.waitForURL(/\/models\/u_e2e_simple$/)
      await page.locator('[data-testid="model-title"]').filter({ hasText: '简易程序大额罚款（测试）' }).waitFor()
      assert.doesNotMatch(await page.locator('.el-switch:has([data-testid="model-enabled"]), .el-switch[data-testid="model-enabled"]').first().getAttribute('class'), /is-checked/, 'a new model starts disabled')
      assert.equal((await apiGet(page, '/api/v1/models/u_e2e_simple')).body.enabled, false)
      await screenshot(page, 'models06-editor-saved')
    } finally {
      await context.close()
    }
  })

  test('no request left 127.0.0.1 and no page raised an uncaught error', () => e2e.assertClean())
})
