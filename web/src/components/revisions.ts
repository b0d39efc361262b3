// The versions of an enforcement record (执法记录, 行政检查, 行政强制), newest
// first: the current one, then each earlier revision with what the version
// after it changed. RevisionHistory.vue shows them.

type Rec = Record<string, unknown>

export interface RevisionStep {
  revision: number
  at: string
  batchId: number | null
  current: boolean
  /** Fields changed by the version that replaced this one, keyed by Chinese name. */
  before: Rec | null
  after: Rec | null
  changed: number
}

/** A stored earlier version as the detail APIs return it. */
export interface StoredRevision {
  revision: number
  replaced_at: string
  batch_id: number | null
  data: Rec | null
}

/** The batch a record came from, as the activity detail APIs return it. */
export interface SourceBatch { id: number; source: string; file_name: string; actor: string; started_at: string }

/** What changed between two comparable versions: the differing fields of each. */
export type Changes = (older: Rec, newer: Rec) => { before: Rec; after: Rec; changed: number }

/** The fields whose values differ, as they are (for versions already in readable form). */
export const differingFields: Changes = (older, newer) => {
  const keys = [...new Set([...Object.keys(newer), ...Object.keys(older)])]
    .filter((k) => JSON.stringify(newer[k]) !== JSON.stringify(older[k]))
  const pick = (o: Rec) => Object.fromEntries(keys.map((k) => [k, o[k]]))
  return { before: pick(older), after: pick(newer), changed: keys.length }
}

/**
 * @param head the current version: its revision, last update, batch and content
 * @param comparable a stored version's content in the same form as head.content
 */
export function revisionSteps(
  head: { revision: number; at: string; batchId: number | null; content: Rec },
  revisions: readonly StoredRevision[],
  comparable: (data: Rec) => Rec,
  changes: Changes = differingFields,
): RevisionStep[] {
  const steps: RevisionStep[] = [{
    revision: head.revision, at: head.at, batchId: head.batchId, current: true, before: null, after: null, changed: 0,
  }]
  let newer = head.content
  for (const rv of [...revisions].sort((a, b) => b.revision - a.revision)) {
    const older = comparable(rv.data ?? {})
    steps.push({ revision: rv.revision, at: rv.replaced_at, batchId: rv.batch_id, current: false, ...changes(older, newer) })
    newer = older
  }
  return steps
}
