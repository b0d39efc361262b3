// Element Plus, registered on demand: only the components the UI uses are
// bundled. The stylesheet is the full theme (one file, no network).
import type { App, Plugin } from 'vue'
import {
  ElAlert, ElAvatar, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker,
  ElDescriptions, ElDialog, ElDivider, ElDropdown, ElEmpty, ElForm, ElIcon, ElInput, ElInputNumber, ElLoading, ElMenu,
  ElPopconfirm, ElProgress, ElRadio, ElResult, ElRow, ElSelect, ElSkeleton, ElStatistic, ElTable, ElTag, ElTimeline,
  ElTooltip, ElUpload,
} from 'element-plus'
import 'element-plus/dist/index.css'

// Each of these installs its sub-components too (ElSelect → ElOption, ElTable →
// ElTableColumn, ElMenu → ElMenuItem/ElSubMenu, ElContainer → ElHeader/ElAside/
// ElMain, ElForm → ElFormItem, ElDropdown → ElDropdownMenu/ElDropdownItem,
// ElDescriptions → ElDescriptionsItem, ElRadio → ElRadioGroup/ElRadioButton,
// ElTimeline → ElTimelineItem).
const plugins: Plugin[] = [
  ElAlert, ElAvatar, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker,
  ElDescriptions, ElDialog, ElDivider, ElDropdown, ElEmpty, ElForm, ElIcon, ElInput, ElInputNumber, ElLoading, ElMenu,
  ElPopconfirm, ElProgress, ElRadio, ElResult, ElRow, ElSelect, ElSkeleton, ElStatistic, ElTable, ElTag, ElTimeline,
  ElTooltip, ElUpload,
]

export function installElement(app: App): void {
  for (const p of plugins) app.use(p)
}
