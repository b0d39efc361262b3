// Vocabulary of enforcement records (docs/api-records.md, internal/enforce):
// Chinese labels for codes, flags and fields, and the normalisation that lets
// a revision's stored data be compared with the current record.
import { fenToYuan } from './format'

export interface Option {
  code: string
  name: string
}

export const partyKinds: Option[] = [
  { code: 'legal_person', name: '法人及非法人组织' },
  { code: 'natural_person', name: '自然人' },
  { code: 'individual_business', name: '个体工商户' },
]

// The wording of internal/enforce/labels.go (ProcedureLabels, FlagLabels,
// PartyKindLabels): what the screen shows is what the Excel export says.

export const procedures: Option[] = [
  { code: 'simple', name: '简易程序' },
  { code: 'ordinary', name: '普通程序' },
]

export interface FlagDef extends Option {
  /** What the flag means and what to check, for the record page. */
  explain: string
  /** The record kinds that can carry it. */
  kinds: readonly RecordKind[]
}

export type RecordKind = 'penalty' | 'inspection' | 'measure'

const allKinds: readonly RecordKind[] = ['penalty', 'inspection', 'measure']

/** Suspect values: the record is stored and marked, never dropped. */
export const flags: FlagDef[] = [
  { code: 'bad_party_uscc', name: '相对人统一社会信用代码校验位不符', kinds: allKinds, explain: '相对人统一社会信用代码的校验位不符合 GB 32100，可能填写有误，请核对原始文书。' },
  { code: 'bad_party_id', name: '相对人身份证号无效', kinds: allKinds, explain: '相对人身份证号码的出生日期或校验位无效，可能填写有误，请核对原始文书。' },
  { code: 'bad_legal_rep_id', name: '法定代表人身份证号无效', kinds: ['penalty'], explain: '法定代表人（负责人）身份证号码的出生日期或校验位无效，请核对。' },
  { code: 'bad_agency_uscc', name: '处罚机关统一社会信用代码校验位不符', kinds: ['penalty'], explain: '文件中处罚机关统一社会信用代码的校验位不符合 GB 32100，请核对。' },
  { code: 'converted_id15', name: '15 位旧身份证号已转为 18 位', kinds: allKinds, explain: '原文件中为 15 位旧身份证号码，已按规则转换为 18 位，请核对转换结果。' },
  { code: 'agency_mismatch', name: '文件中的处罚机关代码与导入机构不一致', kinds: ['penalty'], explain: '文件中的处罚机关统一社会信用代码与导入机构的代码不一致，可能是代为报送或填报错误。' },
  {
    code: 'measure_period_exceeded',
    name: '强制措施期限超过法定期限（行政强制法第二十五条、第三十二条）',
    kinds: ['measure'],
    explain: '查封、扣押、冻结的期限不得超过 30 日；情况复杂的，经行政机关负责人批准可以延长，但延长期限不得超过 30 日（《中华人民共和国行政强制法》第二十五条、第三十二条）。本记录的期限、延长期限或实际持续时间超出该限度，请核对是否有法律、行政法规的特别规定。',
  },
]

/** The flags a kind of record can carry, for its list's 存疑标记 filter. */
export function flagOptions(kind: RecordKind): FlagDef[] {
  return flags.filter((f) => f.kinds.includes(kind))
}

const partyKindNames = Object.fromEntries(partyKinds.map((o) => [o.code, o.name]))
const procedureNames = Object.fromEntries(procedures.map((o) => [o.code, o.name]))
const flagDefs = Object.fromEntries(flags.map((f) => [f.code, f]))

export function partyKindLabel(code: unknown): string {
  const c = String(code ?? '')
  return c ? partyKindNames[c] ?? c : '—'
}

export function procedureLabel(code: unknown): string {
  const c = String(code ?? '')
  return c ? procedureNames[c] ?? c : '—'
}

export function flagLabel(code: string): string {
  return flagDefs[code]?.name ?? code
}

export function flagExplain(code: string): string {
  return flagDefs[code]?.explain ?? ''
}

export function boolLabel(v: unknown): string {
  if (v === true) return '已告知'
  if (v === false) return '未告知'
  return '未填报'
}

/** Chinese names of record fields (the field ids of internal/enforce/mapping.go). */
export const fieldLabels: Record<string, string> = {
  party_name: '相对人名称',
  party_kind: '相对人类别',
  party_uscc: '统一社会信用代码',
  party_reg_no: '工商注册号',
  party_org_code: '组织机构代码',
  party_tax_no: '税务登记号',
  party_inst_cert: '事业单位证书号',
  party_soc_cert: '社会组织登记证号',
  party_code: '相对人代码',
  legal_rep: '法定代表人',
  legal_rep_id_type: '法定代表人证件类型',
  legal_rep_id_no: '法定代表人证件号码',
  party_id_type: '证件类型',
  party_id_no: '证件号码',
  doc_no: '决定书文号',
  violation_type: '违法行为类型',
  facts: '违法事实',
  legal_basis: '处罚依据',
  penalty_kinds: '处罚类别',
  penalty_content: '处罚内容',
  fine: '罚款（元）',
  confiscation: '没收金额（元）',
  licence_action: '暂扣或吊销证照',
  decision_date: '决定日期',
  valid_until: '处罚有效期',
  publish_until: '公示截止期',
  agency_name: '处罚机关',
  agency_uscc: '处罚机关信用代码',
  source_name: '数据来源单位',
  source_uscc: '数据来源单位信用代码',
  remarks: '备注',
  domain: '执法领域',
  violation_code: '违法行为编码',
  discretion_level: '裁量等级',
  procedure: '程序',
  filed_date: '立案日期',
  served_date: '送达日期',
  payment_due_date: '缴款期限',
  paid_date: '缴款日期',
  hearing_notice: '告知听证权利',
  remedy_notice: '告知救济途径',
  transfer_date: '移送公安日期',
  transfer_receipt: '移送回执号',
  court_apply_date: '申请法院强制执行日期',
  status: '状态',
  act_date: '违法行为发生日期',
  surcharge: '加处罚款（元）',
  surcharge_fen: '加处罚款（元）',
  flags: '存疑标记',
}

/** Bookkeeping keys that are not part of a record's content. */
const bookkeeping = new Set([
  'id', 'agency_id', 'revision', 'batch_id', 'created_at', 'updated_at', 'revisions', 'content_hash', 'version',
])

/** Go field names (PartyUSCC, LegalRepIDNo, FineFen) → the API's snake_case ids. */
function snake(k: string): string {
  if (!/[A-Z]/.test(k)) return k
  return k
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
}

const aliases: Record<string, string> = {
  confiscate: 'confiscation',
  payment_due: 'payment_due_date',
  agency_code: 'agency_uscc',
}

/**
 * A record's content in one comparable shape, whatever way it was stored:
 * snake_case keys, money as yuan strings, blank dates as null, flags as a
 * sorted list, bookkeeping dropped.
 */
export function normalizeRecord(data: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (!data) return out
  for (const [rawKey, raw] of Object.entries(data)) {
    let k = snake(rawKey)
    let v: unknown = raw
    if (k.endsWith('_fen')) {
      k = k.slice(0, -4)
      v = fenToYuan(raw)
    }
    k = aliases[k] ?? k
    if (bookkeeping.has(k)) continue
    if (k === 'fine' || k === 'confiscation') {
      if (typeof v === 'number') v = v.toFixed(2)
    }
    if ((k.endsWith('_date') || k === 'valid_until' || k === 'publish_until') && v === '') v = null
    if (k === 'flags') {
      const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? v.split(',') : []
      v = [...list].sort()
    }
    out[k] = v
  }
  return out
}

/** Fields whose values differ between two normalised records. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)
  return [...keys].filter((k) => {
    const a = before[k]
    const b = after[k]
    if (empty(a) && empty(b)) return false
    return JSON.stringify(a) !== JSON.stringify(b)
  })
}

/** Only the given fields, keyed by their Chinese names, with display values. */
export function labelled(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    let v = data[k]
    if (k === 'party_kind') v = v ? partyKindLabel(v) : v
    else if (k === 'procedure') v = v ? procedureLabel(v) : v
    else if (k === 'hearing_notice' || k === 'remedy_notice') v = boolLabel(v)
    else if (k === 'flags' && Array.isArray(v)) v = v.map((f) => flagLabel(String(f)))
    out[fieldLabels[k] ?? k] = v ?? null
  }
  return out
}
