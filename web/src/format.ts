// Display helpers. Server times are RFC 3339 in Asia/Shanghai (+08:00): show
// them as the server wrote them, independent of the browser's time zone.

const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
})

export function fmtTime(s: string | null | undefined): string {
  if (!s) return '—'
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s)
  if (!m) return s
  if (m[5] && m[5] !== '+08:00' && m[5] !== '+0800') {
    // Not in Shanghai time: convert, so every time on screen is Beijing time.
    const t = Date.parse(s)
    if (!Number.isNaN(t)) return shanghai.format(new Date(t))
  }
  return `${m[1]} ${m[2].length === 5 ? m[2] + ':00' : m[2]}`
}

export function isFuture(s: string | null | undefined): boolean {
  if (!s) return false
  const t = Date.parse(s)
  return !Number.isNaN(t) && t > Date.now()
}

export function prettyJson(v: unknown): string {
  if (v === null || v === undefined) return '（无）'
  try {
    return JSON.stringify(v, null, 2)
  } catch {
    return String(v)
  }
}
