// The filtered lists of enforcement data (执法记录, 行政检查, 行政强制): the
// filters every one has (执法机关, 执法领域, a date range, a keyword) plus the
// page's own, kept in the address too, so 返回 from a record and a shared link
// both come back to the same list; cursor paging; Excel export of the same
// filters. RecordList.vue is its template.
import { computed, onMounted, reactive, ref, type ComputedRef, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { download, errorMessage } from '../api'
import { loadDictionaries, session } from '../session'
import type { RecordSummary } from '../types'
import { useCursorList } from './useCursorList'

type Query = Record<string, string | number | boolean | null | undefined>

/** The page's own filters: '' when blank for a text or a code, null for a number. */
type Own = Record<string, string | number | null>

/** The fields of a listed record that every kind has (those of 执法记录's rows). */
export type RecordRow = Pick<RecordSummary,
  'id' | 'agency_id' | 'agency_name' | 'doc_no' | 'party_name' | 'party_kind' | 'party_code' | 'domain' | 'flags' | 'revision'>

export interface CommonFilters {
  agency_id: number | null
  domain: string
  range: [string, string] | null
  q: string
}

type CursorList<T> = ReturnType<typeof useCursorList<T>>

/** What RecordList.vue shows and drives. */
export interface RecordListView<T> {
  filters: CommonFilters
  list: CursorList<T>
  ownOrgOnly: ComputedRef<boolean>
  exporting: Ref<boolean>
  /** The total as shown ("10,000+" when the server stopped counting). */
  totalText: ComputedRef<string | undefined>
  domainNames: ComputedRef<Record<string, string>>
  detailRoute: string
  search(): void
  reset(): void
  exportXlsx(): Promise<void>
  open(row: T): void
}

export interface RecordListOptions<O extends Own> {
  /** The list's address; its Excel export is `${path}/export.xlsx`. */
  path: string
  /** File name of the Excel export, e.g. 行政检查.xlsx. */
  exportName: string
  /** Route name of a row's detail page (params: { id }). */
  detailRoute: string
  /** The page's own filters, blank, in the order of the API's parameters. */
  own: () => O
  /** The page's own filters as API parameters (default: as they are). */
  params?: (f: O) => Query
  /** Why the filters cannot be searched yet (shown as a warning), or ''. */
  check?: (f: CommonFilters & O) => string
}

export function useRecordList<T extends { id: number }, O extends Own>(
  opts: RecordListOptions<O>,
): RecordListView<T> & { filters: CommonFilters & O } {
  const route = useRoute()
  const router = useRouter()
  // An agency liaison sees only their own org's data: no agency filter.
  const ownOrgOnly = computed(() => session.user?.role === 'agency_liaison')

  const blank = (): CommonFilters & O => ({ agency_id: null, domain: '', range: null, q: '', ...opts.own() })
  const filters = reactive(blank()) as CommonFilters & O

  /** The API's filter parameters (also those of the Excel export). */
  function apiQuery(): Query {
    const all = filters as unknown as Record<string, string | number | null>
    const own = Object.fromEntries(Object.keys(opts.own()).map((k) => [k, all[k]])) as O
    return {
      agency_id: ownOrgOnly.value ? undefined : filters.agency_id,
      domain: filters.domain,
      from: filters.range?.[0],
      to: filters.range?.[1],
      ...(opts.params ? opts.params(own) : own),
      q: filters.q.trim(),
    }
  }

  const list = useCursorList<T>(opts.path, apiQuery)

  function toRouteQuery(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(apiQuery())) {
      if (v !== undefined && v !== null && v !== '') out[k] = String(v)
    }
    return out
  }

  function fromRouteQuery() {
    const q = route.query
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '')
    const n = (k: string) => {
      const v = s(k)
      return v && !Number.isNaN(Number(v)) ? Number(v) : null
    }
    const own = opts.own()
    Object.assign(filters, blank(), {
      agency_id: n('agency_id'),
      domain: s('domain'),
      range: s('from') && s('to') ? [s('from'), s('to')] : null,
      q: s('q'),
      ...Object.fromEntries(Object.keys(own).map((k) => [k, own[k] === null ? n(k) : s(k)])),
    })
  }

  function search() {
    const problem = opts.check?.(filters)
    if (problem) {
      ElMessage.warning(problem)
      return
    }
    router.replace({ query: toRouteQuery() })
    list.reload()
  }

  function reset() {
    Object.assign(filters, blank())
    search()
  }

  const exporting = ref(false)
  async function exportXlsx() {
    exporting.value = true
    try {
      await download(`${opts.path}/export.xlsx`, apiQuery(), opts.exportName)
    } catch (e) {
      ElMessage.error(errorMessage(e))
    } finally {
      exporting.value = false
    }
  }

  // The server stops counting past 10,000 matches: total_capped, total 10001.
  const totalText = computed(() => (list.capped.value ? `${(list.total.value - 1).toLocaleString('zh-CN')}+` : undefined))
  const domainNames = computed<Record<string, string>>(() =>
    Object.fromEntries((session.dicts?.domains ?? []).map((d) => [d.code, d.name])))

  function open(row: T) {
    router.push({ name: opts.detailRoute, params: { id: row.id } })
  }

  onMounted(() => {
    fromRouteQuery()
    list.reload()
    loadDictionaries().catch((e) => ElMessage.error(errorMessage(e)))
  })

  return { filters, list, ownOrgOnly, search, reset, exporting, exportXlsx, totalText, domainNames, open, detailRoute: opts.detailRoute }
}
