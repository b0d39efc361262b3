// The detail of an administrative activity record (行政检查, 行政强制;
// docs/api-activities.md): the record, its source batch and revisions, the
// kind's field list (Chinese names and code labels), and the revisions in a
// readable, comparable form for RecordDetailLayout.vue.
import { computed, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api, errorMessage } from '../api'
import { loadDictionaries, session } from '../session'
import { partyKindLabel } from '../records'
import { revisionSteps, type SourceBatch, type StoredRevision } from './revisions'
import { useRouteItem } from './useRouteItem'

type Rec = Record<string, unknown>
interface Detail { record: Rec; batch: SourceBatch | null; revisions: StoredRevision[] }
export interface FieldDef { id: string; label: string; values: { code: string; label: string }[] }

export interface ActivityDetailOptions {
  /** The record kind: inspection, measure. */
  kind: string
  /** A stored value made readable before the common rules (blank → null, codes → labels). */
  prepare?: (field: string, x: unknown, r: Rec) => unknown
  /** The name of a flag in a version's 存疑标记. */
  flagName: (f: string) => string
}

export function useActivityDetail(opts: ActivityDetailOptions) {
  const { item: detail, loading, error, notFound } = useRouteItem<Detail>((id) => `/api/v1/${opts.kind}s/${id}`)
  const fields = ref<FieldDef[]>([])
  loadDictionaries().catch((e) => ElMessage.error(errorMessage(e)))
  api.get<{ fields: FieldDef[] }>(`/api/v1/record-kinds/${opts.kind}/fields`).then((r) => (fields.value = r.fields)).catch(() => {})

  const rec = computed(() => detail.value?.record ?? null)
  /** A field of the record for display ('—' when blank). */
  const v = (k: string): string => {
    const x = rec.value?.[k]
    return x === undefined || x === null || x === '' ? '—' : String(x)
  }
  /** The Chinese label of a code of a closed list (检查类别, 处理结果). */
  const enumLabel = (field: string, code: unknown): string => {
    const c = String(code ?? '')
    if (!c) return '—'
    return fields.value.find((f) => f.id === field)?.values.find((x) => x.code === c)?.label ?? c
  }
  const domainName = (c: unknown) => {
    const s = String(c ?? '')
    return s ? session.dicts?.domains.find((d) => d.code === s)?.name ?? s : '—'
  }

  /** A version in comparable, readable form: Chinese field names, labels for codes. */
  function readable(r: Rec): Rec {
    const out: Rec = {}
    for (const f of fields.value) {
      let x = opts.prepare ? opts.prepare(f.id, r[f.id], r) : r[f.id]
      if (x === '' || x === undefined) x = null
      if (f.values.length && x) x = enumLabel(f.id, x)
      if (f.id === 'domain' && x) x = domainName(x)
      if (f.id === 'party_kind' && x) x = partyKindLabel(x)
      out[f.label] = x
    }
    const fl = (r.flags as string[] | null) ?? []
    out['存疑标记'] = fl.length ? fl.map(opts.flagName).join('；') : null
    return out
  }

  const timeline = computed(() => {
    const d = detail.value
    if (!d) return []
    const cur = d.record
    const head = { revision: Number(cur.revision), at: String(cur.updated_at), batchId: (cur.batch_id as number) ?? null, content: readable(cur) }
    return revisionSteps(head, d.revisions, readable)
  })

  return { detail, rec, loading, error, notFound, v, enumLabel, domainName, timeline }
}
