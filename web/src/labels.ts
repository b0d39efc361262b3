// Chinese labels for audit vocabulary; unknown codes are shown as they are.

const objectTypes: Record<string, string> = {
  org: '机构',
  user: '用户',
  token: '接口令牌',
  api_token: '接口令牌',
  session: '会话',
  password: '密码',
  audit: '审计',
}

const actions: Record<string, string> = {
  'session.login': '登录',
  'session.logout': '退出登录',
  'session.password_change': '修改本人密码',
  'session.change_password': '修改本人密码',
  create: '新建',
  update: '修改',
  delete: '删除',
  disable: '停用',
  enable: '启用',
  revoke: '吊销',
  issue: '签发',
  login: '登录',
  logout: '退出',
  reset_password: '重置密码',
  password_reset: '重置密码',
  change_password: '修改密码',
  password_change: '修改密码',
  unlock: '解锁',
}

export function objectTypeLabel(t: string): string {
  return objectTypes[t] ?? t
}

/** "user.create" or "create" → 新建用户 / 新建. */
export function actionLabel(a: string): string {
  if (actions[a]) return actions[a]
  const i = a.lastIndexOf('.')
  if (i > 0) {
    const obj = a.slice(0, i)
    const verb = a.slice(i + 1)
    if (actions[verb]) return actions[verb] + (objectTypes[obj] ?? obj)
  }
  return a
}

export const objectTypeOptions = [
  { code: 'org', name: '机构' },
  { code: 'user', name: '用户' },
  { code: 'token', name: '接口令牌' },
  { code: 'session', name: '会话' },
]
