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

/**
 * Yuan amount ("12000.00", 12000, "12000") with thousands separators and two
 * decimals: "12,000.00". Works on the decimal string, never through a float.
 */
export function fmtYuan(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  const s = String(v).trim()
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s)
  if (!m) return s
  const int = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = ((m[3] ?? '') + '00').slice(0, 2)
  return `${m[1]}${int}.${frac}`
}

/** Fen (integer, 0.01 yuan) to the API's yuan string: 1234567 → "12345.67". */
export function fenToYuan(fen: unknown): string {
  const n = typeof fen === 'number' ? fen : Number(fen)
  if (!Number.isFinite(n) || !Number.isInteger(n)) return String(fen ?? '')
  const neg = n < 0
  const s = String(Math.abs(n)).padStart(3, '0')
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`
}

export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return n.toLocaleString('zh-CN')
}
