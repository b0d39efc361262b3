// Thin fetch wrapper for the xingjian JSON API: same-origin cookies, CSRF
// header on unsafe methods, typed errors, and a global 401 hook.
import type { FieldError } from './types'

export class ApiError extends Error {
  status: number
  code: string
  details: unknown

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** Field errors of a validation_failed (or the field of a duplicate) response, keyed by field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    if (Array.isArray(this.details)) {
      for (const d of this.details as FieldError[]) {
        if (d && typeof d.field === 'string') out[d.field] = d.message || this.message
      }
    } else if (this.details && typeof this.details === 'object') {
      const f = (this.details as { field?: unknown }).field
      if (typeof f === 'string') out[f] = this.message
    }
    return out
  }
}

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token || ''
}

type UnauthorizedHandler = (err: ApiError) => void
let onUnauthorized: UnauthorizedHandler | null = null
/** Registered by the router: where to go when any call answers 401. */
export function setUnauthorizedHandler(h: UnauthorizedHandler): void {
  onUnauthorized = h
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  /** Do not trigger the global 401 redirect (login call, initial session probe). */
  skipAuthRedirect?: boolean
  signal?: AbortSignal
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    qs.set(k, String(v))
  }
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: string | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试')
  }

  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }

  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error
    const err = new ApiError(
      res.status,
      e?.code || `http_${res.status}`,
      e?.message || defaultMessage(res.status),
      e?.details,
    )
    if (res.status === 401 && !opts.skipAuthRedirect && onUnauthorized) onUnauthorized(err)
    throw err
  }
  return data as T
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401: return '登录已失效，请重新登录'
    case 403: return '无权执行此操作'
    case 404: return '对象不存在'
    case 409: return '数据已被他人修改，请刷新后重试'
    case 413: return '提交内容过大'
    default: return status >= 500 ? '服务器内部错误，请稍后重试' : `请求失败（${status}）`
  }
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], opts: RequestOptions = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PATCH', path, { ...opts, body }),
  del: <T = void>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts),
}

/** Human message for any thrown value; 409 conflicts get the standard wording. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'conflict') return '数据已被他人修改，请刷新后重试'
    return e.message
  }
  if (e instanceof Error) return e.message
  return String(e)
}
