// A 参考资料 item's detail page (执法动态, 典型案例): load it, delete it after a
// confirmation, go back to its list.
import { computed } from 'vue'
import { useRouter } from 'vue-router'
import { ElMessage, ElMessageBox } from 'element-plus'
import { api, errorMessage } from '../api'
import { useRouteItem } from './useRouteItem'

export interface ReferenceItemOptions<T> {
  /** The items' API address, e.g. /api/v1/reference/news. */
  path: string
  listRoute: string
  /** Shown when the item does not exist (404). */
  missing: string
  /** The question before deleting it. */
  confirmDelete: (item: T) => string
}

export function useReferenceItem<T extends { id: number }>(opts: ReferenceItemOptions<T>) {
  const router = useRouter()
  const { item, loading, error: loadError, notFound } = useRouteItem<T>((id) => `${opts.path}/${id}`)
  const error = computed(() => (notFound.value ? opts.missing : loadError.value))

  async function remove() {
    if (!item.value) return
    try {
      await ElMessageBox.confirm(opts.confirmDelete(item.value), '删除', { type: 'warning', confirmButtonText: '删除', cancelButtonText: '取消' })
    } catch {
      return
    }
    try {
      await api.del(`${opts.path}/${item.value.id}`)
      ElMessage.success('已删除')
      router.push({ name: opts.listRoute })
    } catch (e) {
      ElMessage.error(errorMessage(e))
    }
  }

  function back() {
    if (window.history.state?.back) router.back()
    else router.push({ name: opts.listRoute })
  }

  return { item, loading, error, remove, back }
}
