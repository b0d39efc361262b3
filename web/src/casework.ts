// Casework (办案) shared types, the casework dictionaries (GET
// /api/v1/casework/dictionaries, loaded once) and small helpers used by the
// lead, case, suggestion and settings views.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import type { UploadRawFile, UploadRequestOptions } from 'element-plus'
import { api, ApiError, errorMessage, upload } from './api'
import type { CodeName } from './types'

export interface SuggestionKindDef extends CodeName {
  recipient_kinds: string[]
  basis?: string
  period?: string
}

export interface EscalationLevelDef extends CodeName {
  step: number
  needs_chief?: boolean
}

export interface CaseworkDicts {
  case_types: CodeName[]
  case_statuses: CodeName[]
  suggestion_kinds: SuggestionKindDef[]
  suggestion_statuses: CodeName[]
  reply_outcomes: CodeName[]
  escalation_levels: EscalationLevelDef[]
  dismiss_reasons: CodeName[]
  lead_sources: CodeName[]
  lead_statuses: CodeName[]
}

export interface Action {
  action: string
  name: string
}

export interface Attachment {
  id: number
  name: string
  size: number
  sha256: string
  kind: 'upload' | 'document' | string
  uploaded_by: string
  created_at: string
}

export interface CaseItem {
  id: number
  case_no: string
  type: string
  type_name: string
  title: string
  status: string
  status_name: string
  agency_id: number | null
  agency_name: string
  prosecutor_id: number | null
  prosecutor_name: string
  chief_led: boolean
  opened_on: string | null
  closed_on: string | null
  suggestions: number
  updated_at: string
  version: number
}

export interface CaseLead {
  id: number
  title: string
  status: string
  source: string
  agency_name: string
  model_name?: string
  detected_at?: string
}

export interface CaseDetail extends Omit<CaseItem, 'suggestions'> {
  summary: string
  result: string
  members: { user_id: number; name: string; role: string }[]
  /** Lead items (contract); the server may send only `lead_ids`. */
  leads?: CaseLead[]
  lead_ids?: number[]
  /** The case's suggestions (the list item's `suggestions` is a count). */
  suggestions: SuggestionItem[]
  attachments: Attachment[]
  actions: Action[]
}

export interface CaseEvent {
  id: number
  at: string
  actor: string
  action: string
  action_name: string
  from_status: string
  to_status: string
  note: string
  suggestion_id: number | null
}

export interface SuggestionItem {
  id: number
  case_id: number
  case_no: string
  kind: string
  kind_name: string
  title: string
  recipient_org_id: number
  recipient_name: string
  status: string
  status_name: string
  doc_no: string
  urgent: boolean
  delivered_on: string | null
  due_on: string | null
  days_left: number | null
  overdue: boolean
  escalation_level: number
  escalation_name: string
  outcome: string
  prosecutor_name: string
  updated_at: string
  version: number
}

export interface Reply {
  id: number
  outcome: string
  outcome_name: string
  reasons: string
  measures: string
  replied_on: string
  by: string
  on_time: boolean
}

export interface Objection {
  id: number
  reasons: string
  filed_at: string
  by: string
  decision: string
  decision_note: string
  decided_at: string | null
}

export interface Rectification {
  id: number
  progress: string
  done: boolean
  reported_at: string
  by: string
}

export interface Escalation {
  id: number
  level: string
  level_name: string
  step: number
  status: string
  reason: string
  doc_no: string
  requested_by: string
  approved_by: string
  issued_at: string | null
  handling: string
  result: string
  handled_at: string | null
  document_id: number | null
}

export interface SuggestionDetail extends SuggestionItem {
  facts: string
  legal_basis: string
  requests: string
  reply_days: number | null
  delivery_method: string
  issued_on: string | null
  replies: Reply[]
  objections: Objection[]
  rectifications: Rectification[]
  escalations: Escalation[]
  documents: Attachment[]
  attachments: Attachment[]
  actions: Action[]
  /** This suggestion's escalation ladder (by kind); the dictionary's levels when absent. */
  ladder?: EscalationLevelDef[]
  /** How the reply deadline was computed. */
  deadline?: { period: string; basis: string; provisional: boolean; note: string } | null
  parent_id?: number | null
  outcome_name?: string
  inadequate?: boolean
}

export interface PageList<T> {
  items: T[]
  total: number
  page: number
  limit: number
}

export interface CaseworkSettings {
  doc_abbr: string
  header: string
  approval: Record<string, string>
}

// ---- dictionaries ----

const state = reactive<{ dicts: CaseworkDicts | null }>({ dicts: null })
let pending: Promise<CaseworkDicts> | null = null

/** The casework dictionaries, fetched once per page load. */
export async function loadCaseworkDicts(): Promise<CaseworkDicts> {
  if (state.dicts) return state.dicts
  if (!pending) {
    pending = api.get<CaseworkDicts>('/api/v1/casework/dictionaries').then((d) => {
      state.dicts = d
      return d
    }).finally(() => { pending = null })
  }
  return pending
}

/** The loaded dictionaries (null before loadCaseworkDicts resolves). */
export function cwDicts(): CaseworkDicts | null {
  return state.dicts
}

/** The name of a code in a dictionary list, or the code itself. */
export function nameOf(list: CodeName[] | undefined, code: string | null | undefined): string {
  if (!code) return '—'
  return list?.find((c) => c.code === code)?.name ?? code
}

// ---- display helpers ----

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export const caseStatusTag: Record<string, TagType> = {
  accepted: 'primary', reviewing: 'primary', investigating: 'warning', decided: 'success', closed: 'info', suspended: 'warning', terminated: 'info',
}

export const suggestionStatusTag: Record<string, TagType> = {
  draft: 'info', pending_approval: 'warning', approved: 'primary', awaiting_reply: 'primary', objection: 'danger',
  replied: 'success', rectifying: 'warning', closed: 'success', withdrawn: 'info',
}

export const leadStatusTag: Record<string, TagType> = {
  new: 'primary', unsure: 'warning', confirmed: 'success', dismissed: 'info', merged: 'info',
}

export const escalationStatusNames: Record<string, string> = {
  pending_approval: '待检察长批准', issued: '已发出', handled: '已办理', rejected: '未批准',
}

export const memberRoleNames: Record<string, string> = { lead: '承办检察官', prosecutor: '承办检察官', member: '办案组成员', assistant: '检察官助理' }

export const deliveryMethodNames: Record<string, string> = { written: '书面送达', announced: '宣告送达' }

export const objectionDecisionNames: Record<string, string> = { upheld: '维持（说明理由）', revised: '修改后重新审批', withdrawn: '撤回' }

/** 1.2 MB, 35 KB … */
export function fmtSize(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** Download address of an attachment. */
export const attachmentUrl = (id: number) => `/api/v1/attachments/${id}`

/** The largest attachment the server accepts, and its refusal message. */
export const MAX_ATTACHMENT = 20 * 1024 * 1024
export const ATTACHMENT_TOO_LARGE = '附件不能超过 20 MB'

/**
 * An el-upload for case and suggestion attachments: refuses a file over the
 * server's limit before sending it, posts it as multipart field "file" to
 * url(), and hands the stored attachment to done.
 */
export function useAttachmentUpload(url: () => string, done: (a: Attachment) => void) {
  const uploading = ref(false)
  const uploadError = ref('')
  function beforeUpload(f: UploadRawFile) {
    uploadError.value = ''
    if (f.size > MAX_ATTACHMENT) {
      uploadError.value = ATTACHMENT_TOO_LARGE
      ElMessage.error(ATTACHMENT_TOO_LARGE)
      return false
    }
    return true
  }
  async function doUpload(o: UploadRequestOptions) {
    const form = new FormData()
    form.append('file', o.file, o.file.name)
    uploading.value = true
    try {
      const a = await upload<Attachment>(url(), form).promise
      done(a)
      ElMessage.success(`已上传：${a.name}`)
    } catch (e) {
      uploadError.value = errorMessage(e)
    } finally {
      uploading.value = false
    }
  }
  return { uploading, uploadError, beforeUpload, doUpload }
}

/** "还剩 5 天" / "逾期 3 天" / "今日到期". */
export function daysLeftText(s: Pick<SuggestionItem, 'days_left' | 'overdue' | 'due_on'>): string {
  if (s.days_left === null || s.days_left === undefined) return s.due_on ? '' : '—'
  if (s.overdue || s.days_left < 0) return `逾期 ${Math.abs(s.days_left)} 天`
  if (s.days_left === 0) return '今日到期'
  return `还剩 ${s.days_left} 天`
}

/** A stale-version answer: the client should reload. */
export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.status === 409 && (e.code === 'conflict' || e.code === 'invalid_transition')
}

export function isVersionConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'conflict'
}

// ---- people ----

export interface Person {
  id: number
  name: string
  role: string
}

/**
 * The procuratorate's case handlers (检察官 / 部门负责人 / 检察长) for the
 * assignee, prosecutor and team pickers: GET /api/v1/casework/handlers
 * (any case reader may list them; GET /users needs user.read).
 */
export async function loadHandlers(): Promise<Person[]> {
  const res = await api.get<{ items: { id: number; name: string; role: string }[] }>('/api/v1/casework/handlers')
  return res.items.map((h) => ({ id: h.id, name: h.name, role: h.role }))
}

export const roleNames: Record<string, string> = { prosecutor: '检察官', dept_head: '部门负责人', chief: '检察长' }

/** Fallbacks for lead vocabularies while the dictionaries load (names as in the contract). */
export const leadStatusNames: Record<string, string> = { new: '待研判', unsure: '存疑', confirmed: '已成案', dismissed: '已排除', merged: '已合并' }
export const leadSourceNames: Record<string, string> = {
  model: '模型', manual: '人工录入', transfer: '移送', self_report: '单位自查报送', justice_notice: '司法局通报', petition: '信访批转', court: '法院移送',
}
