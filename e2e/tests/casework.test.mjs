// Browser tests for 办案 (issue 5), tried as a prosecutor, a department
// head, an agency clerk, the chief and a justice-bureau officer would:
// a model lead becomes a case, the suggestion is drafted, approved (number
// and DOCX), delivered, appears in the agency's inbox, is answered,
// rectification is reported and verified, and the case closes. A second
// suggestion goes overdue (the server restarts with its casework clock moved
// on) and climbs the escalation ladder with a document at each step.
// Run: cd e2e && XJ_BIN=../bin/xingjian node --test tests/casework.test.mjs
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from '../lib/browser.mjs'
import { apiCall, apiGet, browserSuite, input, pickOption, tableRows } from '../lib/suite.mjs'

const e2e = browserSuite({ timeout: 30_000, server: { timeoutMs: 300_000 } })
const { server, openPage, loginOk, restart } = e2e

const MODEL = 'm20_simple_over_limit'

/** The liaison login of an org (admin lists users). */
async function liaisonOf(page, orgID) {
  const users = (await apiGet(page, '/api/v1/users?limit=500')).body.items
  const u = users.find((x) => x.org_id === orgID && x.role === 'agency_liaison')
  assert.ok(u, `a liaison of org ${orgID}`)
  return u.username
}

/** Bytes of a download through the page's session: { status, type, head }. */
async function fetchHead(page, path) {
  return page.evaluate(async (path) => {
    const res = await fetch(path)
    const buf = new Uint8Array(await res.arrayBuffer())
    return { status: res.status, type: res.headers.get('content-type'), head: String.fromCharCode(buf[0], buf[1]), size: buf.length }
  }, path)
}

/** Run a suggestion action from its detail page (button, then the dialog). */
async function act(page, action, fill) {
  await page.locator(`[data-testid="suggestion-action-${action}"]`).click()
  const dialog = page.locator('[data-testid="suggestion-action-dialog"]')
  await dialog.waitFor()
  if (fill) await fill()
  await page.locator('[data-testid="suggestion-action-confirm"]').click()
  await dialog.waitFor({ state: 'hidden' })
}

/** Run a case transition from its detail page. */
async function caseAct(page, action, fill) {
  await page.locator(`[data-testid="case-action-${action}"]`).click()
  if (fill) await fill()
  await page.locator('[data-testid="case-transition-submit"]').click()
  await page.locator('[data-testid="case-transition-submit"]').waitFor({ state: 'hidden' })
}

let agencyUser = '' // the liaison of the first suggestion's recipient
let overdueID = 0 // the second suggestion

describe('办案 web UI', () => {
  test('a model lead becomes a case; the suggestion is approved, delivered, answered, rectified, verified; the case closes', async () => {
    const { context, page } = await openPage()
    const head = await openPage()
    const agency = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      // A model run raises leads (the models suite covers the run UI).
      const run = await apiCall(page, 'POST', '/api/v1/model-runs', { models: [MODEL] })
      assert.equal(run.status, 202, JSON.stringify(run.body))
      let lead
      for (let i = 0; i < 120 && !lead; i++) {
        const ls = (await apiGet(page, `/api/v1/leads?model=${MODEL}&status=new&limit=50`)).body.items
        lead = ls.find((l) => l.agency_id)
        if (!lead) await page.waitForTimeout(500)
      }
      assert.ok(lead, 'a new model lead with an agency')

      // 线索研判 → 成案 into a new case.
      await page.goto(`${server.url}/leads/${lead.id}`)
      await page.locator('[data-testid="lead-confirm"]').click()
      await page.locator('[data-testid="case-create-mode-new"]').click()
      await pickOption(page, page.locator('[data-testid="case-create-type"]'), '行政违法行为监督')
      await input(page, 'case-create-title').fill('简易程序超限额罚款监督案（浏览器测试）')
      await page.locator('[data-testid="case-create-submit"]').click()
      await page.waitForURL(/\/cases\/\d+$/)
      const caseNo = await page.locator('[data-testid="case-no"]').innerText()
      assert.match(caseNo, /^青岚检行违监〔\d{4}〕\d+号$/)
      assert.match(await page.locator('[data-testid="case-status"]').innerText(), /受理/)
      await caseAct(page, 'review')
      await page.locator('[data-testid="case-status"]').filter({ hasText: '审查' }).waitFor()

      // 制发检察建议: a draft pre-filled from the lead.
      await page.locator('[data-testid="case-suggest-new"]').click()
      await pickOption(page, page.locator('[data-testid="suggest-new-kind"]'), '行政违法行为检察建议')
      const recipient = await page.locator('[data-testid="suggest-new-recipient"]').innerText()
      assert.ok(recipient.trim().length > 0 && recipient.includes(lead.agency_name), `recipient preselected: ${recipient}`)
      await page.locator('[data-testid="suggest-new-submit"]').click()
      await page.waitForURL(/\/suggestions\/\d+$/)
      const sugURL = page.url()
      const sugID = Number(sugURL.match(/(\d+)$/)[1])
      const facts = await input(page, 'suggestion-edit-facts').inputValue()
      assert.match(facts, new RegExp(lead.title.slice(0, 8)))
      assert.doesNotMatch(facts, /\b(simple|ordinary|legal_person|natural_person|individual_business)\b/, 'coded values are named in Chinese')
      await input(page, 'suggestion-edit-requests').fill('建议你局：1. 依法纠正超限额适用简易程序作出的罚款决定；2. 开展专项自查；3. 书面回复本院。')
      await page.locator('[data-testid="suggestion-save"]').click()
      for (let i = 0; i < 50; i++) {
        if ((await apiGet(page, `/api/v1/suggestions/${sugID}`)).body.requests.includes('专项自查')) break
        await page.waitForTimeout(200)
      }
      assert.match((await apiGet(page, `/api/v1/suggestions/${sugID}`)).body.requests, /专项自查/)
      await act(page, 'submit')
      await page.locator('[data-testid="suggestion-status"]').filter({ hasText: '待审批' }).waitFor()
      assert.equal(await page.locator('[data-testid="suggestion-action-approve"]').count(), 0, 'a prosecutor cannot approve')

      // The department head approves: number and DOCX.
      await loginOk(head.page, 'depthead')
      await head.page.goto(sugURL)
      await act(head.page, 'approve')
      const docNo = await head.page.locator('[data-testid="suggestion-doc-no"]').innerText()
      assert.match(docNo, /^青岚检行建〔\d{4}〕\d+号$/)
      const docx = await fetchHead(head.page, `/api/v1/suggestions/${sugID}/document.docx`)
      assert.equal(docx.status, 200)
      assert.equal(docx.head, 'PK', 'a DOCX is a zip')
      assert.match(docx.type, /wordprocessingml/)

      // Delivered (书面送达, received today): due in two months.
      await page.reload()
      await act(page, 'deliver', async () => { await page.locator('[data-testid="deliver-method-written"]').click() })
      await page.locator('[data-testid="suggestion-status"]').filter({ hasText: '待回复' }).waitFor()
      assert.match(await page.locator('[data-testid="suggestion-due"]').innerText(), /\d{4}-\d{2}-\d{2}/)
      await screenshot(page, 'casework-suggestion-delivered')

      // The agency's inbox: answered and rectified.
      const adminPage = await openPage()
      await loginOk(adminPage.page, 'admin')
      agencyUser = await liaisonOf(adminPage.page, lead.agency_id)
      await adminPage.context.close()
      await loginOk(agency.page, agencyUser)
      const menu = await agency.page.locator('[data-testid="side-menu"]').innerText()
      assert.ok(menu.includes('收到的检察建议') && !menu.includes('案件办理'), menu)
      await agency.page.locator('[data-testid="menu-inbox"]').click()
      await tableRows(agency.page, 'inbox-table').filter({ hasText: docNo }).first().waitFor()
      await tableRows(agency.page, 'inbox-table').filter({ hasText: docNo }).first().locator('[data-testid="inbox-link"]').click()
      await agency.page.waitForURL(new RegExp(`/inbox/${sugID}$`))
      assert.match(await agency.page.locator('[data-testid="inbox-requests"]').innerText(), /专项自查/)
      await agency.page.locator('[data-testid="inbox-reply"]').click()
      await agency.page.locator('[data-testid="inbox-reply-outcome-adopted"]').click()
      await agency.page.locator('[data-testid="inbox-reply-measures"]').fill('已逐案复查，撤销 2 件并重新按一般程序办理，组织全员培训。')
      await agency.page.locator('[data-testid="inbox-reply-submit"]').click()
      await agency.page.locator('[data-testid="inbox-detail-status"]').filter({ hasText: '整改中' }).waitFor()
      await agency.page.locator('[data-testid="inbox-rectify"]').click()
      await agency.page.locator('[data-testid="inbox-rectify-progress"]').fill('复查、重新办理和培训均已完成。')
      await agency.page.locator('[data-testid="inbox-rectify-done"]').click()
      await agency.page.locator('[data-testid="inbox-rectify-submit"]').click()
      await agency.page.locator('[data-testid="inbox-rectification-done"]').first().waitFor()
      await screenshot(agency.page, 'casework-inbox-rectified')

      // The prosecutor verifies and closes; then the case closes.
      await page.reload()
      await page.locator('[data-testid="suggestion-status"]').filter({ hasText: '整改中' }).waitFor()
      await act(page, 'verify', async () => {
        await page.locator('[data-testid="verify-accepted-yes"]').click()
        await input(page, 'suggestion-action-note').fill('调阅整改案卷，整改到位。')
      })
      await page.locator('[data-testid="suggestion-status"]').filter({ hasText: '已办结' }).waitFor()
      await page.locator('[data-testid="suggestion-case-link"]').click()
      await page.waitForURL(/\/cases\/\d+$/)
      await caseAct(page, 'decide')
      await page.locator('[data-testid="case-status"]').filter({ hasText: '决定' }).waitFor()
      await caseAct(page, 'close', async () => { await input(page, 'case-transition-result').fill('制发检察建议，被建议单位采纳并整改到位。') })
      await page.locator('[data-testid="case-status"]').filter({ hasText: '结案' }).waitFor()
      const timeline = await page.locator('[data-testid="case-timeline"]').innerText()
      for (const w of ['受理立案', '线索成案', '审批通过并编号', '送达', '收到书面回复', '整改进展报告', '跟进监督核实', '结案']) {
        assert.ok(timeline.includes(w), `timeline has ${w}`)
      }
      await screenshot(page, 'casework-case-closed')
      // The agency sees it finished; it can no longer reply.
      await agency.page.reload()
      await agency.page.locator('[data-testid="inbox-finished"]').waitFor()
      assert.equal(await agency.page.locator('[data-testid="inbox-reply"]').count(), 0)
    } finally {
      await context.close()
      await head.context.close()
      await agency.context.close()
    }
  })

  test('a second suggestion goes overdue and climbs the ladder with a document at each step', async () => {
    let { context, page } = await openPage()
    try {
      await loginOk(page, 'prosecutor')
      // Set up through the API (the first test drove these screens).
      const orgs = (await apiGet(page, '/api/v1/orgs?limit=500')).body.items
      const admin = await openPage()
      await loginOk(admin.page, 'admin')
      const agencyOrg = orgs.find((o) => o.kind === 'agency' && o.code !== 'GAQL')
      const liaison = await liaisonOf(admin.page, agencyOrg.id)
      await admin.context.close()
      const c = await apiCall(page, 'POST', '/api/v1/cases', { type: 'admin_violation', title: '逾期升级测试案', agency_id: agencyOrg.id })
      assert.equal(c.status, 201, JSON.stringify(c.body))
      const s = await apiCall(page, 'POST', `/api/v1/cases/${c.body.id}/suggestions`, { kind: 'violation', recipient_org_id: agencyOrg.id })
      assert.equal(s.status, 201, JSON.stringify(s.body))
      overdueID = s.body.id
      let v = (await apiCall(page, 'POST', `/api/v1/suggestions/${overdueID}/transitions`, { action: 'submit', version: s.body.version })).body.version
      const chief = await openPage()
      await loginOk(chief.page, 'chief')
      v = (await apiCall(chief.page, 'POST', `/api/v1/suggestions/${overdueID}/transitions`, { action: 'approve', version: v })).body.version
      const today = (await apiGet(page, `/api/v1/suggestions/${overdueID}`)).body.issued_on
      const del = await apiCall(page, 'POST', `/api/v1/suggestions/${overdueID}/transitions`, { action: 'deliver', version: v, method: 'written', received_on: today })
      assert.equal(del.status, 200, JSON.stringify(del.body))
      assert.equal(del.body.overdue, false)

      // 75 days later (the clock moved: the server restarts on the same data).
      await restart({ XJ_CLOCK_OFFSET: `${75 * 24}h` })
      await page.goto(`${server.url}/suggestions`)
      await page.locator('[data-testid="suggestions-tab-overdue"]').click()
      const row = tableRows(page, 'suggestions-table').filter({ hasText: '逾期升级测试案' }).first()
      await row.waitFor()
      assert.match(await row.innerText(), /逾期/)
      await row.locator('[data-testid="suggestion-link"]').click()
      await page.waitForURL(new RegExp(`/suggestions/${overdueID}$`))

      // Step 1: 抄送司法局, issued at once with its letter.
      await page.locator('[data-testid="suggestion-escalate"]').click()
      await input(page, 'escalate-reason').fill('回复期限届满，经电话督促仍未书面回复。')
      await page.locator('[data-testid="escalate-submit"]').click()
      await page.locator('[data-testid="escalation-status"]').filter({ hasText: '已发出' }).first().waitFor()
      let detail = (await apiGet(page, `/api/v1/suggestions/${overdueID}`)).body
      assert.equal(detail.escalation_level, 1)
      assert.equal(detail.escalations[0].level, 'justice_bureau')
      let doc = await fetchHead(page, `/api/v1/attachments/${detail.escalations[0].document_id}`)
      assert.equal(doc.status, 200)
      assert.equal(doc.head, 'PK')

      // Step 2: 报告上级人民检察院 waits for the chief.
      await page.locator('[data-testid="suggestion-escalate"]').click()
      await input(page, 'escalate-reason').fill('抄送司法局后仍未回复。')
      await page.locator('[data-testid="escalate-submit"]').click()
      await page.locator('[data-testid="escalation-status"]').filter({ hasText: '待检察长批准' }).first().waitFor()
      assert.equal(await page.locator('[data-testid="escalation-approve"]').count(), 0, 'a prosecutor cannot approve an escalation')
      await chief.page.goto(`${server.url}/suggestions/${overdueID}`)
      await chief.page.locator('[data-testid="escalation-approve"]').click()
      await chief.page.locator('[data-testid="escalation-status"]').filter({ hasText: '待检察长批准' }).waitFor({ state: 'detached' })
      detail = (await apiGet(page, `/api/v1/suggestions/${overdueID}`)).body
      assert.equal(detail.escalation_level, 2)
      assert.match(detail.escalations[1].doc_no, /^青岚检行报〔\d{4}〕\d+号$/)
      doc = await fetchHead(page, `/api/v1/attachments/${detail.escalations[1].document_id}`)
      assert.equal(doc.head, 'PK')
      await page.reload()
      await screenshot(page, 'casework-escalation-ladder')
      await chief.context.close()

      // The justice officer records the handling; the prosecutor sees it.
      const justice = await openPage()
      await loginOk(justice.page, 'justice')
      await justice.page.locator('[data-testid="menu-escalations"]').click()
      const jrow = tableRows(justice.page, 'escalations-table').filter({ hasText: detail.doc_no }).first()
      await jrow.waitFor()
      await jrow.locator('[data-testid="escalation-link"]').click()
      await justice.page.locator('[data-testid="escalation-handle"]').click()
      await justice.page.locator('[data-testid="escalation-handling-input"]').fill('约谈该局分管负责人，督促落实。')
      await justice.page.locator('[data-testid="escalation-result-input"]').fill('该局承诺十日内书面回复。')
      await justice.page.locator('[data-testid="escalation-handling-submit"]').click()
      await justice.page.locator('[data-testid="escalation-result"]').filter({ hasText: '十日内' }).waitFor()
      await justice.context.close()
      detail = (await apiGet(page, `/api/v1/suggestions/${overdueID}`)).body
      assert.equal(detail.escalations[0].status, 'handled')

      // The agency was reminded (overdue) and sees the escalation.
      const ag = await openPage()
      await loginOk(ag.page, liaison)
      await ag.page.locator('[data-testid="notification-bell"]').click()
      await ag.page.waitForURL(/\/notifications/)
      await ag.page.locator('[data-testid="notification-item"]').filter({ hasText: '逾期' }).first().waitFor()
      await ag.page.goto(`${server.url}/inbox/${overdueID}`)
      await ag.page.locator('[data-testid="inbox-escalated"]').waitFor()
      await ag.context.close()

      // The numbers for the dashboard count it.
      const stats = (await apiGet(page, '/api/v1/casework/stats?by=kind&from=2020-01&to=2030-12')).body
      assert.ok(stats.totals.escalated >= 1 && stats.totals.overdue >= 1, JSON.stringify(stats.totals))
    } finally {
      await context.close()
    }
  })

  test('no page error and no request outside the server', () => e2e.assertClean())
})
