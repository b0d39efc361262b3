// Cursor-paginated lists ({items,total,next_cursor}) with "load more".
import { ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { api, errorMessage } from '../api'
import type { ListResponse } from '../types'

type Query = Record<string, string | number | boolean | null | undefined>

/** `path` may be a function when the list's address changes (e.g. the rejects of the chosen batch). */
export function useCursorList<T>(path: string | (() => string), filters: () => Query, pageSize = 50) {
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const capped = ref(false)
  const nextCursor = ref('')
  const loading = ref(false)
  const loadingMore = ref(false)
  let seq = 0

  async function fetchPage(cursor: string): Promise<ListResponse<T>> {
    return api.get<ListResponse<T>>(typeof path === 'function' ? path() : path, { ...filters(), limit: pageSize, cursor })
  }

  /** Reload from the first page with the current filters. */
  async function reload(): Promise<void> {
    const my = ++seq
    loading.value = true
    try {
      const page = await fetchPage('')
      if (my !== seq) return
      items.value = page.items ?? []
      total.value = page.total ?? items.value.length
      capped.value = !!page.total_capped
      nextCursor.value = page.next_cursor ?? ''
    } catch (e) {
      if (my === seq) ElMessage.error(errorMessage(e))
    } finally {
      if (my === seq) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value) return
    const my = seq
    loadingMore.value = true
    try {
      const page = await fetchPage(nextCursor.value)
      if (my !== seq) return
      items.value = [...items.value, ...(page.items ?? [])]
      total.value = page.total ?? total.value
      capped.value = !!page.total_capped
      nextCursor.value = page.next_cursor ?? ''
    } catch (e) {
      ElMessage.error(errorMessage(e))
    } finally {
      loadingMore.value = false
    }
  }

  /** Replace one loaded row in place (after an edit). */
  function replace(match: (t: T) => boolean, next: T): void {
    items.value = items.value.map((t) => (match(t) ? next : t))
  }

  return { items, total, capped, nextCursor, loading, loadingMore, reload, loadMore, replace }
}
