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
  if (!res.ok) throw failure(res.status, text, opts.skipAuthRedirect)
  if (!text) return undefined as T
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined as T
  }
}

/** ApiError from a failed response's status and (possibly JSON) body; fires the 401 hook. */
function failure(status: number, text: string, skipAuthRedirect?: boolean): ApiError {
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error
  const err = new ApiError(status, e?.code || `http_${status}`, e?.message || defaultMessage(status), e?.details)
  if (status === 401 && !skipAuthRedirect && onUnauthorized) onUnauthorized(err)
  return err
}

export interface UploadOptions {
  /** Percentage of the request body sent so far (0–100). */
  onProgress?: (percent: number) => void
  /** The whole body has been sent; the server is now working on it. */
  onSent?: () => void
}

/**
 * POST a multipart form (file uploads) with the session cookie and the CSRF
 * header, reporting upload progress. XHR rather than fetch: fetch cannot
 * report upload progress.
 */
export function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(Math.min(100, Math.floor((e.loaded / e.total) * 100)))
    }
    xhr.upload.onload = () => {
      opts.onProgress?.(100)
      opts.onSent?.()
    }
    xhr.onerror = () => reject(new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试'))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', '已取消上传'))
    xhr.onload = () => {
      const text = xhr.responseText
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((text ? JSON.parse(text) : undefined) as T)
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', '服务器返回的内容无法解析'))
        }
        return
      }
      reject(failure(xhr.status, text))
    }
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}

/**
 * Download a file (XLSX export, reject report) with the session cookie. The
 * server's Chinese error message is shown instead of a JSON page when it
 * refuses; the file name comes from Content-Disposition when given.
 */
export async function download(path: string, query: RequestOptions['query'], fallbackName: string): Promise<void> {
  let res: Response
  try {
    res = await fetch(buildUrl(path, query), { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试')
  }
  if (!res.ok) throw failure(res.status, await res.text())
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileNameOf(res.headers.get('Content-Disposition')) || fallbackName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** The file name of a Content-Disposition header (RFC 6266 filename* first). */
function fileNameOf(cd: string | null): string {
  if (!cd) return ''
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd)
  return plain ? plain[1].trim() : ''
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
