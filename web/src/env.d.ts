/// <reference types="vite/client" />

declare module 'element-plus/es/locale/lang/zh-cn' {
  import type { Language } from 'element-plus/es/locale'
  const lang: Language
  export default lang
}
