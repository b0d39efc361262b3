import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { ElMessage } from 'element-plus'
import { setUnauthorizedHandler } from './api'
import { clearSession, hasPerm, loadSession, session } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title shown in the browser tab and the page header. */
    title?: string
    /** Permission needed to open the page. */
    perm?: string
    /** Reachable without signing in. */
    public?: boolean
    /** Side-menu entry to highlight when it is not the route itself (a detail page). */
    menu?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: () => import('./components/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: '首页', perm: 'dashboard.view' } },
      { path: 'records', name: 'records', component: () => import('./views/RecordsView.vue'), meta: { title: '执法记录', perm: 'record.read' } },
      { path: 'records/quality', name: 'quality', component: () => import('./views/QualityView.vue'), meta: { title: '数据质量', perm: 'record.read' } },
      { path: 'records/:id(\\d+)', name: 'record', component: () => import('./views/RecordDetailView.vue'), meta: { title: '记录详情', perm: 'record.read', menu: 'records' } },
      { path: 'inspections', name: 'inspections', component: () => import('./views/InspectionsView.vue'), meta: { title: '行政检查', perm: 'record.read' } },
      { path: 'inspections/:id(\\d+)', name: 'inspection', component: () => import('./views/InspectionDetailView.vue'), meta: { title: '行政检查详情', perm: 'record.read', menu: 'inspections' } },
      { path: 'measures', name: 'measures', component: () => import('./views/MeasuresView.vue'), meta: { title: '行政强制', perm: 'record.read' } },
      { path: 'measures/:id(\\d+)', name: 'measure', component: () => import('./views/MeasureDetailView.vue'), meta: { title: '行政强制详情', perm: 'record.read', menu: 'measures' } },
      { path: 'imports', name: 'imports', component: () => import('./views/ImportsView.vue'), meta: { title: '数据导入', perm: 'record.import' } },
      { path: 'datasets', name: 'datasets', component: () => import('./views/DatasetsView.vue'), meta: { title: '参考数据集', perm: 'dataset.read' } },
      { path: 'datasets/:name([a-z][a-z0-9_]*)', name: 'dataset', component: () => import('./views/DatasetDetailView.vue'), meta: { title: '参考数据集', perm: 'dataset.read', menu: 'datasets' } },
      { path: 'models', name: 'models', component: () => import('./views/ModelsView.vue'), meta: { title: '模型目录', perm: 'model.read' } },
      { path: 'models/new', name: 'model-new', component: () => import('./views/ModelEditView.vue'), meta: { title: '新建模型', perm: 'model.manage', menu: 'models' } },
      { path: 'models/:id([a-z][a-z0-9_]*)', name: 'model', component: () => import('./views/ModelDetailView.vue'), meta: { title: '模型详情', perm: 'model.read', menu: 'models' } },
      { path: 'models/:id([a-z][a-z0-9_]*)/edit', name: 'model-edit', component: () => import('./views/ModelEditView.vue'), meta: { title: '编辑模型', perm: 'model.manage', menu: 'models' } },
      { path: 'leads', name: 'leads', component: () => import('./views/LeadsView.vue'), meta: { title: '线索研判', perm: 'lead.read' } },
      { path: 'leads/:id(\\d+)', name: 'lead', component: () => import('./views/LeadDetailView.vue'), meta: { title: '线索详情', perm: 'lead.read', menu: 'leads' } },
      { path: 'cases', name: 'cases', component: () => import('./views/CasesView.vue'), meta: { title: '案件列表', perm: 'case.read' } },
      { path: 'cases/:id(\\d+)', name: 'case', component: () => import('./views/CaseDetailView.vue'), meta: { title: '案件详情', perm: 'case.read', menu: 'cases' } },
      { path: 'suggestions', name: 'suggestions', component: () => import('./views/SuggestionsView.vue'), meta: { title: '检察建议', perm: 'case.read' } },
      { path: 'suggestions/:id(\\d+)', name: 'suggestion', component: () => import('./views/SuggestionDetailView.vue'), meta: { title: '检察建议详情', perm: 'case.read', menu: 'suggestions' } },
      { path: 'casework/settings', name: 'casework-settings', component: () => import('./views/CaseworkSettingsView.vue'), meta: { title: '办案设置', perm: 'casework.configure' } },
      { path: 'analyst', name: 'analyst', component: () => import('./views/AnalystView.vue'), meta: { title: '数据分析', perm: 'model.analyst' } },
      { path: 'selfcheck', name: 'selfcheck', component: () => import('./views/SelfCheckView.vue'), meta: { title: '单位自查', perm: 'model.selfcheck' } },
      { path: 'reference/discretion', name: 'discretion', component: () => import('./views/DiscretionView.vue'), meta: { title: '裁量基准', perm: 'reference.read' } },
      { path: 'reference/cases', name: 'typical-cases', component: () => import('./views/TypicalCasesView.vue'), meta: { title: '典型案例', perm: 'reference.read' } },
      { path: 'reference/cases/:id(\\d+)', name: 'typical-case', component: () => import('./views/TypicalCaseDetailView.vue'), meta: { title: '典型案例', perm: 'reference.read', menu: 'typical-cases' } },
      { path: 'reference/news', name: 'news', component: () => import('./views/NewsView.vue'), meta: { title: '执法动态', perm: 'reference.read' } },
      { path: 'reference/news/:id(\\d+)', name: 'news-item', component: () => import('./views/NewsDetailView.vue'), meta: { title: '执法动态', perm: 'reference.read', menu: 'news' } },
      { path: 'admin/orgs', name: 'orgs', component: () => import('./views/OrgsView.vue'), meta: { title: '机构管理', perm: 'org.manage' } },
      { path: 'admin/users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { title: '用户管理', perm: 'user.manage' } },
      { path: 'admin/tokens', name: 'tokens', component: () => import('./views/TokensView.vue'), meta: { title: '接口令牌', perm: 'token.manage' } },
      { path: 'admin/audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志', perm: 'audit.read' } },
      { path: 'admin/logins', name: 'logins', component: () => import('./views/LoginsView.vue'), meta: { title: '登录日志', perm: 'audit.read' } },
      { path: 'inbox', name: 'inbox', component: () => import('./views/InboxView.vue'), meta: { title: '收到的检察建议', perm: 'suggestion.reply' } },
      { path: 'inbox/:id(\\d+)', name: 'inbox-item', component: () => import('./views/InboxDetailView.vue'), meta: { title: '检察建议', perm: 'suggestion.reply', menu: 'inbox' } },
      { path: 'escalations', name: 'escalations', component: () => import('./views/EscalationsView.vue'), meta: { title: '抄送事项', perm: 'escalation.handle' } },
      { path: 'escalations/:id(\\d+)', name: 'escalation', component: () => import('./views/EscalationDetailView.vue'), meta: { title: '抄送事项', perm: 'escalation.handle', menu: 'escalations' } },
      { path: 'notifications', name: 'notifications', component: () => import('./views/NotificationsView.vue'), meta: { title: '消息通知' } },
      { path: 'account', name: 'account', component: () => import('./views/AccountView.vue'), meta: { title: '修改密码' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

const PRODUCT = '行检 · 行政检察监督平台'

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession()
    } catch {
      // Server unreachable: let the login page show the error when used.
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.user) {
      const r = typeof to.query.redirect === 'string' && to.query.redirect.startsWith('/') ? to.query.redirect : '/'
      return r
    }
    return true
  }
  if (!session.user) {
    return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.perm && !hasPerm(to.meta.perm)) {
    ElMessage.error('无权访问')
    return to.name === 'home' ? false : { name: 'home' }
  }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${PRODUCT}` : PRODUCT
})

setUnauthorizedHandler((err) => {
  clearSession()
  const cur = router.currentRoute.value
  if (cur.name === 'login') return
  if (err.code === 'session_expired') ElMessage.warning('登录已过期，请重新登录')
  router.push({ path: '/login', query: { redirect: cur.fullPath } })
})
