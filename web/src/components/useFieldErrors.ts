// Server-side field errors (validation_failed / duplicate) shown on el-form-items.
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, errorMessage } from '../api'

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear(): void {
    for (const k of Object.keys(errors)) delete errors[k]
  }

  /** Show an API error: on its fields when it names any, else as a message. */
  function show(e: unknown): void {
    clear()
    if (e instanceof ApiError) {
      const fe = e.fieldErrors()
      if (Object.keys(fe).length) {
        Object.assign(errors, fe)
        // The server's message names the first problem ("数据校验未通过：…").
        ElMessage.error(e.message || '请检查表单中标红的字段')
        return
      }
    }
    ElMessage.error(errorMessage(e))
  }

  return { errors, clear, show }
}
