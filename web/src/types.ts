// Shapes of the JSON returned by the xingjian API (docs/api-foundation.md).

export interface User {
  id: number
  username: string
  display_name: string
  org_id: number
  org_name: string
  org_kind: string
  role: string
  role_name: string
  permissions: string[]
  phone: string
  email: string
  disabled: boolean
  locked_until: string | null
  last_login_at: string | null
  created_at: string
  updated_at: string
  version: number
}

export interface SessionInfo {
  user: User
  csrf_token: string
}

export interface Org {
  id: number
  code: string
  name: string
  kind: string
  kind_name: string
  parent_id: number | null
  uscc: string
  uscc_valid: boolean
  domains: string[]
  contact: string
  phone: string
  disabled: boolean
  created_at: string
  updated_at: string
  version: number
}

export interface Token {
  id: number
  org_id: number
  org_name: string
  name: string
  prefix: string
  created_by: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface IssuedToken {
  token: Token
  secret: string
}

export interface AuditEntry {
  id: number
  at: string
  user_id: number | null
  username: string
  org_id: number | null
  org_name: string
  action: string
  object_type: string
  object_id: string | number | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  ip: string
  hash: string
}

export interface AuditVerify {
  ok: boolean
  rows: number
  head: string
  problems: { id: number; problem: string }[] | null
}

export interface LoginEntry {
  id: number
  at: string
  username: string
  user_id: number | null
  ip: string
  user_agent: string
  success: boolean
  reason: string
}

export interface ListResponse<T> {
  items: T[]
  total: number
  next_cursor: string
  /** Set by lists that stop counting (records): `total` means "more than". */
  total_capped?: boolean
}

export interface CodeName {
  code: string
  name: string
}

export interface RoleDef extends CodeName {
  org_kinds: string[]
  permissions: string[]
}

export interface Dictionaries {
  org_kinds: CodeName[]
  roles: RoleDef[]
  domains: CodeName[]
}

export interface Overview {
  orgs_by_kind: { kind: string; name: string; count: number }[]
  users: number
  active_sessions: number
  logins_today: number
}

export interface FieldError {
  field: string
  message: string
}

// Enforcement records (docs/api-records.md). Money is yuan as a decimal
// string with two places ("12000.00"); dates are YYYY-MM-DD or null.

export interface RowError {
  line: number
  column: string
  value: string
  reason: string
}

export interface RejectRow extends RowError {
  seq: number
}

export interface ImportReport {
  batch_id: number
  total: number
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  flagged: number
  rejects: RowError[] | null
}

/** A background import (POST /api/v1/imports with async=true). */
export interface ImportJob {
  id: string
  state: 'running' | 'done' | 'failed'
  kind: string
  file_name: string
  agency_id: number
  size: number
  bytes_read: number
  rows: number
  started_at: string
  finished_at: string | null
  report: ImportReport | null
  error: { code: string; message: string } | null
}

export interface ImportBatch {
  id: number
  kind: string
  agency_id: number
  agency_name: string
  source: 'file' | 'api' | string
  file_name: string
  rows_total: number
  rows_inserted: number
  rows_updated: number
  rows_unchanged: number
  rows_rejected: number
  rows_flagged: number
  actor: string
  started_at: string
  finished_at: string
}

export interface RecordSummary {
  id: number
  agency_id: number
  agency_name: string
  doc_no: string
  party_name: string
  party_kind: string
  party_code: string
  domain: string
  violation_type: string
  penalty_kinds: string
  fine: string
  decision_date: string
  procedure: string
  flags: string[] | null
  revision: number
}

export interface RecordRevision {
  revision: number
  replaced_at: string
  batch_id: number | null
  data: Record<string, unknown> | null
}

/** GET /api/v1/records/{id}: every penalty field plus bookkeeping. */
export interface PenaltyRecord {
  id: number
  agency_id: number
  /** the deciding agency as the file states it */
  agency_name: string
  /** the org that reported the record */
  org_name?: string
  doc_no: string
  flags: string[] | null
  revision: number
  batch_id: number | null
  created_at: string
  updated_at: string
  revisions: RecordRevision[] | null
  [field: string]: unknown
}

/** GET /api/v1/records/quality: one agency's data-sharing figures (shares are 0–1). */
export interface AgencyQuality {
  agency_id: number
  agency_name: string
  agency_kind: string
  records: number
  /** records decided in the last month of the window: 0 = 未报送 */
  recent_records: number
  last_decision: string
  last_import_at: string | null
  avg_lag_days: number | null
  median_lag_days: number | null
  flagged_share: number
  bad_id_share: number
  missing_filed_share: number
  missing_served_share: number
  missing_domain_share: number
  missing_procedure_share: number
  missing_required_share: number
  rejected_rows: number
  months: { month: string; count: number }[]
}

// ---- supervision models, leads, analyst mode, self-check (issue 4) ----

export interface LegalRef { statute: string; article: string }

export interface ModelParam {
  name: string
  label: string
  type: 'money' | 'int' | 'days' | 'text' | 'date'
  default: unknown
  value: unknown
  min: number | null
  max: number | null
  note: string
}

export interface Precision { leads: number; confirmed: number; dismissed: number; precision: number | null }

export interface ModelRun {
  id: number
  run_group: string
  model_id: string
  model_name: string
  model_version: number
  mode: 'run' | 'selfcheck'
  agency_id: number | null
  trigger: string
  actor: string
  as_of: string
  status: 'running' | 'done' | 'failed' | 'skipped'
  started_at: string
  finished_at: string | null
  duration_ms: number
  rows_scanned: number
  hits: number
  new_leads: number
  changed_leads: number
  reopened_leads: number
  error: string
}

export interface SupervisionModel {
  id: string
  number: number
  title: string
  name: string
  description: string
  domain: string
  severity: 'low' | 'medium' | 'high'
  target: string
  legal_basis: LegalRef[]
  legal: string
  dataset: string
  enabled: boolean
  schedule: string
  next_run_at: string | null
  model_version: number
  spec_version: number
  builtin: boolean
  updated_at: string
  params: ModelParam[]
  precision: Precision
  last_run: ModelRun | null
  hit_history: number[]
}

export interface SpecErrorDetails { where: string; message: string }

export interface ModelVersion { version: number; spec: string; params: Record<string, unknown>; note: string; actor: string; created_at: string }

export interface SupervisionModelDetail extends SupervisionModel {
  spec_text: string
  sql: string
  compile_error: SpecErrorDetails | null
  versions: ModelVersion[]
  runs: ModelRun[]
}

export interface ModelValidation { ok: boolean; error: SpecErrorDetails | null; sql: string; id: string }

export interface Backtest {
  total: number
  months: { month: string; hits: number }[]
  agencies: { agency_id: number | null; agency_name: string; hits: number }[]
  sql: string
  as_of: string
  elapsed_ms: number
}

export interface RunStarted { run_group: string; total: number; as_of: string }

export interface RunList {
  items: ModelRun[]
  total: number
  done: number
  running: boolean
  hits: number
  new_leads: number
  current: string
}

export interface EvidenceItem { key: string; label: string; type: string; value: unknown }

export interface Lead {
  id: number
  source: 'model' | 'manual' | 'transfer' | 'self_report' | 'justice_notice' | 'petition' | 'court'
  model_id: string
  model_name: string
  model_version: number
  subject_key: string
  agency_id: number | null
  agency_name: string
  title: string
  severity: 'low' | 'medium' | 'high'
  event_date: string | null
  status: 'new' | 'unsure' | 'confirmed' | 'dismissed' | 'merged'
  status_note: string
  // Casework (docs/api-casework.md); absent on servers without it.
  assignee_id?: number | null
  assignee_name?: string
  case_id?: number | null
  case_no?: string
  merged_into?: number | null
  dismiss_reason?: string
  triaged_at: string | null
  reopened: number
  detected_at: string
  updated_at: string
  evidence: EvidenceItem[]
}

export interface LeadDetail extends Lead {
  rule: string
  legal_basis: string
  legal_refs: LegalRef[]
  description: string
  target: string
  history: { seq: number; status: string; model_version: number; replaced_at: string; evidence: EvidenceItem[] }[]
}

export interface LeadList { items: Lead[]; total: number; page: number; limit: number }

export interface AnalystResult { columns: string[]; rows: unknown[][]; truncated: boolean; elapsed_ms: number }

export interface AnalystTable { table: string; dataset: string; label: string; columns: { name: string; label: string; type: string }[] }

export interface SelfCheckResult {
  model_id: string
  model_name: string
  subject_key: string
  title: string
  evidence: EvidenceItem[]
  event_date: string | null
  detected_at: string
}
