// Launches Debian's Chromium through playwright-core (no browser download).
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const screenshotDir = resolve(here, '..', 'screenshots')

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.XJ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A fresh browser context (own cookies) that records every request whose
 * host is not 127.0.0.1: the UI must work fully offline.
 */
export async function newContext(browser, foreign) {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  })
  context.on('request', (req) => {
    const u = new URL(req.url())
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return
    if (u.hostname !== '127.0.0.1') foreign.push(req.url())
  })
  return context
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.waitForTimeout(400) // let Element Plus transitions settle
  await page.screenshot({ path, fullPage: true })
  return path
}
