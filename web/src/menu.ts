// Side-menu configuration. Entries are shown only when the signed-in user
// holds `perm`. A group is shown when the user holds the group's `perm` (any
// of them) and at least one child is visible; without the group's `perm`, its
// visible children are shown at the top level instead (an agency liaison sees
// 接口令牌 on its own, not a 系统管理 group with one item).
//
// Later capabilities slot in by adding an entry here (plus its route in
// router.ts) with the permission that guards it, e.g.
//   { name: 'models',    title: '监督模型', icon: Cpu,       perm: 'model.read' },
//   { name: 'leads',     title: '线索研判', icon: Search,    perm: 'lead.read' },
//   { name: 'cases',     title: '案件办理', icon: Folder,    perm: 'case.read' },
//   { name: 'notices',   title: '双向通报', icon: Bell,      perm: 'notice.read' },
//   { name: 'disputes',  title: '争议化解', icon: Connection, perm: 'dispute.read' },
//   { name: 'reviews',   title: '案卷评查', icon: Checked,   perm: 'review.read' },
//   { name: 'dashboard', title: '数据可视', icon: PieChart,  perm: 'stats.read' },
// They are deliberately absent until their modules exist.
import type { Component } from 'vue'
import { markRaw } from 'vue'
import { HomeFilled, Setting, OfficeBuilding, User, Key, Document, Tickets, DataLine, List, Upload, DataAnalysis } from '@element-plus/icons-vue'
import { Collection, ScaleToOriginal, Notebook, Bell } from '@element-plus/icons-vue'
import { View, Lock, Coin } from '@element-plus/icons-vue'
import { Cpu, Search, Histogram, Checked } from '@element-plus/icons-vue'
import { Folder, FolderOpened, Memo, Tools } from '@element-plus/icons-vue'
import { Message, Promotion } from '@element-plus/icons-vue'
import { hasPerm } from './session'

export interface MenuEntry {
  /** Route name for a leaf; unique key for a group. */
  name: string
  title: string
  icon?: Component
  /** Permission needed (for a group: any of these). */
  perm?: string | string[]
  children?: MenuEntry[]
}

export const menu: MenuEntry[] = [
  { name: 'home', title: '首页', icon: markRaw(HomeFilled), perm: 'dashboard.view' },
  {
    name: 'data',
    title: '执法数据',
    icon: markRaw(DataLine),
    perm: ['record.read', 'record.import'],
    children: [
      { name: 'records', title: '执法记录', icon: markRaw(List), perm: 'record.read' },
      { name: 'inspections', title: '行政检查', icon: markRaw(View), perm: 'record.read' },
      { name: 'measures', title: '行政强制', icon: markRaw(Lock), perm: 'record.read' },
      { name: 'quality', title: '数据质量', icon: markRaw(DataAnalysis), perm: 'record.read' },
      { name: 'imports', title: '数据导入', icon: markRaw(Upload), perm: 'record.import' },
      { name: 'datasets', title: '参考数据集', icon: markRaw(Coin), perm: 'dataset.read' },
    ],
  },
  {
    name: 'supervision',
    title: '监督模型',
    icon: markRaw(Cpu),
    perm: 'model.read',
    children: [
      { name: 'models', title: '模型目录', icon: markRaw(Cpu), perm: 'model.read' },
      { name: 'leads', title: '线索研判', icon: markRaw(Search), perm: 'lead.read' },
      { name: 'analyst', title: '数据分析', icon: markRaw(Histogram), perm: 'model.analyst' },
    ],
  },
  {
    name: 'casework',
    title: '案件办理',
    icon: markRaw(Folder),
    perm: 'case.read',
    children: [
      { name: 'cases', title: '案件列表', icon: markRaw(FolderOpened), perm: 'case.read' },
      { name: 'suggestions', title: '检察建议', icon: markRaw(Memo), perm: 'case.read' },
      { name: 'casework-settings', title: '办案设置', icon: markRaw(Tools), perm: 'casework.configure' },
    ],
  },
  { name: 'selfcheck', title: '单位自查', icon: markRaw(Checked), perm: 'model.selfcheck' },
  { name: 'inbox', title: '收到的检察建议', icon: markRaw(Message), perm: 'suggestion.reply' },
  { name: 'escalations', title: '抄送事项', icon: markRaw(Promotion), perm: 'escalation.handle' },
  {
    name: 'reference',
    title: '参考资料',
    icon: markRaw(Collection),
    perm: 'reference.read',
    children: [
      { name: 'discretion', title: '裁量基准', icon: markRaw(ScaleToOriginal), perm: 'reference.read' },
      { name: 'typical-cases', title: '典型案例', icon: markRaw(Notebook), perm: 'reference.read' },
      { name: 'news', title: '执法动态', icon: markRaw(Bell), perm: 'reference.read' },
    ],
  },
  {
    name: 'admin',
    title: '系统管理',
    icon: markRaw(Setting),
    perm: ['org.manage', 'user.manage', 'audit.read'],
    children: [
      { name: 'orgs', title: '机构管理', icon: markRaw(OfficeBuilding), perm: 'org.manage' },
      { name: 'users', title: '用户管理', icon: markRaw(User), perm: 'user.manage' },
      { name: 'tokens', title: '接口令牌', icon: markRaw(Key), perm: 'token.manage' },
      { name: 'audit', title: '审计日志', icon: markRaw(Document), perm: 'audit.read' },
      { name: 'logins', title: '登录日志', icon: markRaw(Tickets), perm: 'audit.read' },
    ],
  },
]

/** The menu as the current user may see it. */
export function visibleMenu(entries: MenuEntry[] = menu): MenuEntry[] {
  const out: MenuEntry[] = []
  for (const e of entries) {
    if (e.children) {
      const kids = visibleMenu(e.children)
      if (!kids.length) continue
      if (hasPerm(e.perm)) out.push({ ...e, children: kids })
      else out.push(...kids)
    } else if (hasPerm(e.perm)) {
      out.push(e)
    }
  }
  return out
}
