// A small reactive store for the signed-in user and the shared dictionaries.
import { reactive, readonly } from 'vue'
import { api, ApiError, setCsrfToken } from './api'
import type { Dictionaries, Org, ListResponse, SessionInfo, User } from './types'

interface State {
  user: User | null
  loaded: boolean
  dicts: Dictionaries | null
  orgs: Org[] | null
}

const state = reactive<State>({ user: null, loaded: false, dicts: null, orgs: null })

export const session = readonly(state)

export function hasPerm(perm?: string | string[]): boolean {
  if (!perm) return true
  const perms = state.user?.permissions ?? []
  return Array.isArray(perm) ? perm.some((p) => perms.includes(p)) : perms.includes(perm)
}

function apply(info: SessionInfo | null): void {
  state.user = info?.user ?? null
  setCsrfToken(info?.csrf_token ?? '')
  state.loaded = true
  if (!info) {
    state.dicts = null
    state.orgs = null
  }
}

/** GET /api/v1/session once; a 401 just means "not signed in". */
export async function loadSession(force = false): Promise<User | null> {
  if (state.loaded && !force) return state.user
  try {
    apply(await api.get<SessionInfo>('/api/v1/session', undefined, { skipAuthRedirect: true }))
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) apply(null)
    else throw e
  }
  return state.user
}

export async function login(username: string, password: string): Promise<User> {
  const info = await api.post<SessionInfo>('/api/v1/session', { username, password }, { skipAuthRedirect: true })
  apply(info)
  return info.user
}

export async function logout(): Promise<void> {
  try {
    await api.del('/api/v1/session', { skipAuthRedirect: true })
  } finally {
    apply(null)
  }
}

/** Forget the user locally (after a 401 from any call). */
export function clearSession(): void {
  apply(null)
}

let dictsPromise: Promise<Dictionaries> | null = null
export async function loadDictionaries(): Promise<Dictionaries> {
  if (state.dicts) return state.dicts
  if (!dictsPromise) {
    dictsPromise = api.get<Dictionaries>('/api/v1/dictionaries').then((d) => {
      state.dicts = d
      return d
    }).finally(() => { dictsPromise = null })
  }
  return dictsPromise
}

/** All orgs visible to the user (for selects), cached until invalidated. */
export async function loadOrgOptions(force = false): Promise<Org[]> {
  if (state.orgs && !force) return state.orgs as Org[]
  const out: Org[] = []
  let cursor = ''
  do {
    const page = await api.get<ListResponse<Org>>('/api/v1/orgs', { include_disabled: true, limit: 500, cursor })
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  state.orgs = out
  return out
}

export function invalidateOrgOptions(): void {
  state.orgs = null
}
