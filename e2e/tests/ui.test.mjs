// Browser tests for the web UI against the real server with demo data.
// Run: cd e2e && npm test   (needs ../bin/xingjian or $XJ_BIN, and /usr/bin/chromium)
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from '../lib/browser.mjs'
import { apiCall, browserSuite, input, pickOption } from '../lib/suite.mjs'

const e2e = browserSuite({ timeout: 15_000 })
const { server, openPage, login, loginOk } = e2e

/** Current user as the server sees it (same cookies as the page). */
async function sessionUser(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).user)
}

describe('xingjian web UI', () => {
  test('prosecutor logs in, sees the Chinese layout, is kept out of admin pages, and logs out', async () => {
    const { context, page } = await openPage()
    try {
      await page.goto(`${server.url}/`)
      await page.waitForURL(/\/login/)
      assert.equal(await page.title(), '登录 - 行检 · 行政检察监督平台')
      await screenshot(page, '01-login')

      await loginOk(page, 'prosecutor')
      assert.equal(new URL(page.url()).pathname, '/')
      const me = await sessionUser(page)
      assert.equal(me.role, 'prosecutor')

      const menu = page.locator('[data-testid="side-menu"]')
      assert.match(await menu.innerText(), /首页/)
      assert.equal(await page.locator('[data-testid="menu-orgs"]').count(), 0, 'prosecutor must not see 机构管理')
      const header = page.locator('[data-testid="current-user"]')
      const headerText = await header.innerText()
      assert.ok(headerText.includes(me.display_name), `header shows the display name: ${headerText}`)
      assert.ok(headerText.includes('检察官'), `header shows the role name: ${headerText}`)
      assert.ok(headerText.includes(me.org_name), `header shows the org name: ${headerText}`)
      await page.locator('[data-testid="stat-orgs"]').waitFor()
      await page.locator('[data-testid="bar-chart"] canvas').waitFor()
      await screenshot(page, '02-home-prosecutor')

      // A page the role may not open: back to home with 无权访问.
      await page.goto(`${server.url}/admin/orgs`)
      await page.locator('.el-message', { hasText: '无权访问' }).waitFor()
      await page.waitForURL((u) => u.pathname === '/')

      // Unknown path inside the app: the Chinese 404 page.
      await page.goto(`${server.url}/no/such/page`)
      await page.locator('[data-testid="not-found"]', { hasText: '页面不存在' }).waitFor()
      await screenshot(page, '03-not-found')

      await page.locator('[data-testid="user-menu"]').click()
      await page.locator('[data-testid="logout"]').click()
      await page.waitForURL(/\/login/)
      await page.locator('[data-testid="login-submit"]').waitFor()
      const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status)
      assert.equal(after, 401, 'session is gone after logout')
    } finally {
      await context.close()
    }
  })

  test('agency liaison sees 接口令牌 but no system-administration menus', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'agency01')
      const text = await page.locator('[data-testid="side-menu"]').innerText()
      assert.match(text, /首页/)
      assert.match(text, /接口令牌/)
      for (const word of ['系统管理', '机构管理', '用户管理', '审计日志', '登录日志']) {
        assert.ok(!text.includes(word), `agency liaison must not see ${word}; menu: ${text}`)
      }
      await page.locator('[data-testid="menu-tokens"]').click()
      await page.waitForURL(/\/admin\/tokens/)
      await page.locator('[data-testid="token-table"]').waitFor()
      await screenshot(page, '04-tokens-agency')

      // Issue a token for the liaison's own org: the secret is shown once.
      const me = await sessionUser(page)
      await page.locator('[data-testid="token-issue"]').click()
      const issue = page.locator('.el-dialog', { hasText: '签发接口令牌' })
      await issue.waitFor()
      assert.ok((await issue.innerText()).includes(me.org_name) || (await issue.locator('input[disabled]').inputValue()) === me.org_name,
        'the liaison’s own org is fixed in the issue dialog')
      await input(page, 'token-name').fill('执法办案系统对接')
      await page.locator('[data-testid="token-issue-submit"]').click()
      const secretDialog = page.locator('.el-dialog', { hasText: '接口令牌已签发' })
      await secretDialog.waitFor()
      assert.match(await secretDialog.innerText(), /仅显示一次/)
      assert.match(await input(page, 'token-secret').inputValue(), /^xjt_/)
      await screenshot(page, '04b-token-secret')
      await secretDialog.getByRole('button', { name: '我已妥善保存' }).click()
      const tokenRow = page.locator('[data-testid="token-table"] tbody tr', { hasText: '执法办案系统对接' })
      await tokenRow.waitFor()
      assert.ok((await tokenRow.innerText()).includes(me.org_name))
      await tokenRow.getByRole('button', { name: '吊销' }).click()
      await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click()
      await page.locator('.el-message', { hasText: '令牌已吊销' }).waitFor()
      await tokenRow.waitFor({ state: 'detached' })

      // The session ends behind the page's back: the next call sends the user
      // to the login page, and signing in again returns to where they were.
      assert.equal((await apiCall(page, 'DELETE', '/api/v1/session')).status, 204)
      await page.getByRole('button', { name: '刷新' }).click()
      await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/admin/tokens')
      await input(page, 'login-username').fill('agency01')
      await input(page, 'login-password').fill('demo')
      await input(page, 'login-password').press('Enter')
      await page.waitForURL((u) => u.pathname === '/admin/tokens')
      await page.locator('[data-testid="token-table"]').waitFor()
    } finally {
      await context.close()
    }
  })

  test('a wrong password shows the server’s Chinese error on the login page', async () => {
    const { context, page } = await openPage()
    try {
      await login(page, 'prosecutor', 'wrong-password')
      const err = page.locator('[data-testid="login-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /用户名或密码错误/)
      assert.match(new URL(page.url()).pathname, /^\/login/)
      await screenshot(page, '05-login-error')

      // Too many failures lock the account; the page shows when it unlocks.
      for (let i = 0; i < 4; i++) {
        await page.evaluate(() => fetch('/api/v1/session', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: 'leader', password: 'wrong-password' }),
        }))
      }
      await input(page, 'login-username').fill('leader')
      await input(page, 'login-password').fill('wrong-password')
      await input(page, 'login-password').press('Enter')
      await page.locator('[data-testid="login-error"]', { hasText: '锁定' }).waitFor()
      assert.match(await err.innerText(), /锁定至 \d{2}:\d{2}/)
      await screenshot(page, '05b-login-locked')
    } finally {
      await context.close()
    }
  })

  let createdUser // { id, username } from the admin test, checked in the audit test
  test('admin opens 机构管理 and 用户管理 and creates a user through the dialog', async () => {
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      await screenshot(page, '06-home-admin')

      await page.locator('[data-testid="menu-orgs"]').click()
      await page.waitForURL(/\/admin\/orgs/)
      const orgRows = page.locator('[data-testid="org-table"] .el-table__body-wrapper tbody tr')
      await orgRows.first().waitFor()
      assert.ok((await orgRows.count()) > 1, 'the demo district has orgs')
      await screenshot(page, '07-orgs')
      await page.locator('[data-testid="org-create"]').click()
      await page.locator('.el-dialog', { hasText: '新建机构' }).waitFor()
      await screenshot(page, '08-org-dialog')
      await page.locator('.el-dialog', { hasText: '新建机构' }).getByRole('button', { name: '取消' }).click()

      // Optimistic locking: someone else saves the org while the dialog is open.
      const firstRow = orgRows.first()
      const orgCode = (await firstRow.locator('td').first().innerText()).trim()
      await firstRow.getByRole('button', { name: '编辑' }).click()
      const edit = page.locator('.el-dialog', { hasText: '编辑机构' })
      await edit.waitFor()
      const list = await page.evaluate(async () => (await (await fetch('/api/v1/orgs?limit=500')).json()).items)
      const org = list.find((o) => o.code === orgCode)
      const bumped = await apiCall(page, 'PATCH', `/api/v1/orgs/${org.id}`, { version: org.version, contact: '办公室（他人修改）' })
      assert.equal(bumped.status, 200, JSON.stringify(bumped.body))
      await edit.locator('.el-form-item', { hasText: '联系人' }).locator('input').fill('办公室（本人修改）')
      await page.locator('[data-testid="org-save"]').click()
      await page.locator('.el-message', { hasText: '数据已被他人修改，请刷新后重试' }).waitFor()
      await screenshot(page, '08b-org-conflict')
      await edit.getByRole('button', { name: '取消' }).click()

      await page.locator('[data-testid="menu-users"]').click()
      await page.waitForURL(/\/admin\/users/)
      const userRows = page.locator('[data-testid="user-table"] .el-table__body-wrapper tbody tr')
      await userRows.first().waitFor()
      await screenshot(page, '09-users')

      const username = `e2e${Date.now().toString(36)}`
      await page.locator('[data-testid="user-create"]').click()
      const dialog = page.locator('.el-dialog', { hasText: '新建用户' })
      await dialog.waitFor()
      await input(page, 'user-username').fill(username)
      await input(page, 'user-display-name').fill('测试检察官')
      await pickOption(page, dialog.locator('[data-testid="user-org"]'), '人民检察院')
      await pickOption(page, dialog.locator('[data-testid="user-role"]'), '检察官')
      await input(page, 'user-password').fill('Demo2026pass')
      await screenshot(page, '10-user-dialog')
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST'),
        page.locator('[data-testid="user-save"]').click(),
      ])
      assert.equal(res.status(), 201, `create user: ${await res.text()}`)
      const created = await res.json()
      createdUser = { id: created.id, username }
      await dialog.waitFor({ state: 'hidden' })
      const row = page.locator('[data-testid="user-table"] tbody tr', { hasText: username })
      await row.waitFor()
      assert.match(await row.innerText(), /测试检察官/)
      assert.match(await row.innerText(), /检察官/)
      await screenshot(page, '11-users-created')

      await page.locator('[data-testid="menu-tokens"]').click()
      await page.locator('[data-testid="token-table"]').waitFor()
      await screenshot(page, '12-tokens-admin')
      await page.locator('[data-testid="menu-logins"]').click()
      await page.locator('[data-testid="login-table"] tbody tr').first().waitFor()
      await screenshot(page, '13-logins')
      await page.locator('[data-testid="user-menu"]').click()
      await page.locator('[data-testid="change-password"]').click()
      await page.waitForURL(/\/account/)
      await screenshot(page, '14-account')
    } finally {
      await context.close()
    }
  })

  test('admin sees the user creation in 审计日志 and the audit chain verifies', async () => {
    assert.ok(createdUser, 'the previous test created a user')
    const { context, page } = await openPage()
    try {
      await loginOk(page, 'admin')
      await page.locator('[data-testid="menu-audit"]').click()
      await page.waitForURL(/\/admin\/audit/)
      const rows = page.locator('[data-testid="audit-table"] .el-table__body-wrapper tbody tr.el-table__row')
      await rows.first().waitFor()
      const row = rows.filter({ hasText: `用户 #${createdUser.id}` }).filter({ hasText: 'admin' }).first()
      await row.waitFor()
      await row.locator('.el-table__expand-icon').click()
      const diff = page.locator('[data-testid="audit-diff"]', { hasText: createdUser.username }).first()
      await diff.waitFor()
      await screenshot(page, '15-audit')

      await page.locator('[data-testid="audit-verify"]').click()
      const dlg = page.locator('.el-dialog', { hasText: '审计链校验结果' })
      await dlg.waitFor()
      assert.match(await dlg.innerText(), /审计链完整/)
      await screenshot(page, '16-audit-verify')
    } finally {
      await context.close()
    }
  })

  test('no request left 127.0.0.1 and no page raised an uncaught error', () => e2e.assertClean())
})
