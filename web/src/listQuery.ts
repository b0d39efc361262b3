// The casework list pages (线索, 案件, 检察建议, 收到的检察建议, 抄送事项,
// 消息通知) keep their filters and page number in the address, so a detail
// page's back button, a reload and a shared link all come back to the same
// list. useQueryList is that machinery once. The address is the source of
// truth: search, reset and go only rewrite the query; the watch on the query
// reads the filters back and loads. A view keeps its own columns, filter
// widgets and row actions.
import { onMounted, reactive, ref, watch, type Ref } from 'vue'
import { isNavigationFailure, NavigationFailureType, useRoute, useRouter, type LocationQueryRaw } from 'vue-router'
import { api, errorMessage } from './api'
import type { PageList } from './casework'

/** A list's filters, each a string as it stands in the URL. */
export type QueryFilters = Record<string, string>

export interface QueryListOptions<F extends QueryFilters> {
  /** The view's route name: the query is read back only while it is shown. */
  routeName: string
  /** The API list answering a PageList, e.g. /api/v1/cases. */
  path: string
  /**
   * Every filter (its URL key and API parameter) with its default: the value
   * when the URL lacks it and after reset. A filter at its default means "no
   * filter" and is left out of both the URL and the API call.
   */
  filters: F
  /** Rows per page (20). */
  limit?: number
}

export interface QueryList<F extends QueryFilters, T> {
  filters: F
  page: Ref<number>
  limit: number
  data: Ref<PageList<T>>
  loading: Ref<boolean>
  error: Ref<string>
  /** Fetches the current page with the current filters. */
  load(): Promise<void>
  /** Applies the filters from page 1. */
  search(): void
  /** Every filter back to its default, from page 1. */
  reset(): void
  /** Another page with the filters as they are. */
  go(page: number): void
}

export function useQueryList<F extends QueryFilters, T>(opts: QueryListOptions<F>): QueryList<F, T> {
  const route = useRoute()
  const router = useRouter()
  const defaults = opts.filters
  const keys = Object.keys(defaults) as (keyof F & string)[]
  const limit = opts.limit ?? 20

  const text = (k: string) => (typeof route.query[k] === 'string' ? (route.query[k] as string) : '')
  const fromQuery = () => Object.fromEntries(keys.map((k) => [k, text(k) || defaults[k]])) as F
  const filters = reactive(fromQuery()) as F
  const page = ref(Number(text('page')) || 1)
  const data = ref({ items: [], total: 0, page: 1, limit }) as Ref<PageList<T>>
  const loading = ref(false)
  const error = ref('')

  /** The filters that are set; a cleared select leaves undefined, not ''. */
  function active(): Record<string, string | undefined> {
    return Object.fromEntries(keys.map((k) => {
      const v = filters[k] as string | undefined
      return [k, v == null || v === '' || v === defaults[k] ? undefined : v]
    }))
  }

  async function load() {
    loading.value = true
    error.value = ''
    try {
      data.value = await api.get<PageList<T>>(opts.path, { ...active(), page: page.value, limit })
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }

  // The watch below loads; an unchanged query navigates nowhere, so load here
  // (查询 with the same filters still refreshes).
  async function navigate(p: number) {
    page.value = p
    const query: LocationQueryRaw = { ...active(), page: p > 1 ? String(p) : undefined }
    const failure = await router.replace({ query })
    if (isNavigationFailure(failure, NavigationFailureType.duplicated)) await load()
  }

  function search() {
    navigate(1)
  }
  function reset() {
    Object.assign(filters, defaults)
    navigate(1)
  }
  function go(p: number) {
    navigate(p)
  }

  watch(() => route.query, () => {
    if (route.name !== opts.routeName) return
    Object.assign(filters, fromQuery())
    page.value = Number(text('page')) || 1
    load()
  })
  onMounted(load)

  return { filters, page, limit, data, loading, error, load, search, reset, go }
}
