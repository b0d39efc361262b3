// Display helpers shared by the supervision-model, lead and self-check views.
import { ref, onBeforeUnmount } from 'vue'
import { api, errorMessage } from '../api'
import { fenToYuan, fmtYuan } from '../format'
import type { EvidenceItem, RunList } from '../types'

export const severityLabels: Record<string, string> = { low: '低', medium: '中', high: '高' }
export const severityTag: Record<string, 'info' | 'warning' | 'danger'> = { low: 'info', medium: 'warning', high: 'danger' }
export const leadStatusLabels: Record<string, string> = { new: '待研判', confirmed: '已确认', dismissed: '已排除' }
export const leadStatusTag: Record<string, 'primary' | 'success' | 'info'> = { new: 'primary', confirmed: 'success', dismissed: 'info' }
export const runStatusLabels: Record<string, string> = { running: '运行中', done: '完成', failed: '失败', skipped: '跳过' }
export const sourceLabels: Record<string, string> = { model: '模型发现', manual: '人工录入', transfer: '移送' }
export const paramTypeLabels: Record<string, string> = { money: '金额（元）', int: '整数', days: '天数', text: '文本', date: '日期' }

// Closed value lists of enforcement columns that models put in evidence.
const valueLabels: Record<string, string> = {
  natural_person: '自然人', legal_person: '法人及非法人组织', individual_business: '个体工商户',
  simple: '简易程序', general: '普通程序', true: '是', false: '否',
}

/** An evidence value as a prosecutor reads it: money in yuan, dates as they are. */
export function evidenceText(it: EvidenceItem): string {
  const v = it.value
  if (v === null || v === undefined || v === '') return '—'
  if (it.type === 'money') return `${fmtYuan(fenToYuan(v))} 元`
  if (typeof v === 'boolean') return v ? '是' : '否'
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  return valueLabels[s] ?? s
}

/** Precision as "confirmed/triaged (n%)". */
export function precisionText(p: { confirmed: number; dismissed: number; precision: number | null }): string {
  if (p.precision === null) return '未研判'
  return `${p.confirmed}/${p.confirmed + p.dismissed}（${Math.round(p.precision * 100)}%）`
}

export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} 毫秒`
  return `${(ms / 1000).toFixed(1)} 秒`
}

/** A money parameter is stored in fen and edited in yuan. */
export const isMoney = (type: string) => type === 'money'

/**
 * Follows a run group (model runs or self-checks) by polling until every
 * model has finished; `onDone` runs once at the end.
 */
export function useRunProgress(path: string, onDone: (l: RunList) => void) {
  const progress = ref<RunList | null>(null)
  const running = ref(false)
  const error = ref('')
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  async function poll(group: string) {
    try {
      const l = await api.get<RunList>(path, { group })
      if (stopped) return
      progress.value = l
      if (l.total > 0 && l.done === l.total && !l.running) {
        running.value = false
        onDone(l)
        return
      }
    } catch (e) {
      error.value = errorMessage(e)
    }
    if (!stopped) timer = setTimeout(() => poll(group), 500)
  }

  function follow(group: string, total: number) {
    if (timer) clearTimeout(timer)
    error.value = ''
    running.value = true
    progress.value = { items: [], total, done: 0, running: true, hits: 0, new_leads: 0, current: '' }
    poll(group)
  }

  onBeforeUnmount(() => {
    stopped = true
    if (timer) clearTimeout(timer)
  })
  return { progress, running, error, follow }
}
