import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { installElement } from './element'
import './styles.css'

const app = createApp(App)
installElement(app)
app.use(router)
app.mount('#app')
