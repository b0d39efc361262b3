// The item a detail page shows: loaded from the API for the route's :id, again
// when the id changes; 404 (missing, or out of the user's scope) apart from
// other errors.
import { ref, watch, type Ref } from 'vue'
import { useRoute } from 'vue-router'
import { api, ApiError, errorMessage } from '../api'

/** @param url the API address of the item with this id */
export function useRouteItem<T>(url: (id: string) => string, transform: (res: unknown) => T = (res) => res as T) {
  const route = useRoute()
  const item = ref(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref('')
  const notFound = ref(false)

  async function load() {
    const id = String(route.params.id ?? '')
    if (!id) return
    loading.value = true
    error.value = ''
    notFound.value = false
    try {
      item.value = transform(await api.get<unknown>(url(id)))
    } catch (e) {
      item.value = null
      if (e instanceof ApiError && e.status === 404) notFound.value = true
      else error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }

  watch(() => route.params.id, load, { immediate: true })
  return { item, loading, error, notFound, load }
}
