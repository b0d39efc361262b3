// Saving a dialog's item that carries a version (参考资料): PATCH with the
// version when editing, POST when new; field errors on the form.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api } from '../api'
import { useFieldErrors } from './useFieldErrors'

/**
 * @param path the items' API address
 * @param item the item being edited, or null for a new one
 * @param done called with the saved item
 */
export function useItemSave<T extends { id: number; version: number }>(path: string, item: () => T | null, done: (saved: T) => void) {
  const { errors, clear, show } = useFieldErrors()
  const saving = ref(false)

  /** createOnly: fields sent only when creating (e.g. the publishing org). */
  async function save(body: Record<string, unknown>, createOnly: Record<string, unknown> = {}) {
    saving.value = true
    clear()
    try {
      const cur = item()
      const saved = cur
        ? await api.patch<T>(`${path}/${cur.id}`, { ...body, version: cur.version })
        : await api.post<T>(path, { ...body, ...createOnly })
      ElMessage.success('已保存')
      done(saved)
    } catch (e) {
      show(e)
    } finally {
      saving.value = false
    }
  }

  return { errors, clear, saving, save }
}
