import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// The built UI is embedded into the Go binary (internal/webui, go:embed) and
// runs on a government intranet, so it must be fully self-contained: no CDN,
// no external fonts, no external URLs in the output.
const backend = 'http://127.0.0.1:8080'

// XML namespace identifiers are names, not addresses; the browser never fetches them.
const allowedUrl = /^https?:\/\/www\.w3\.org\//
// Documentation links that Vue and Element Plus put into console warnings.
const docLink = /https?:\/\/(?:element-plus\.org|vuejs\.org)\/[^`'"\s]*/g
const anyUrl = /https?:\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^`'"\s)]*/g

/** Strip doc links from the bundle and fail the build if any other external URL remains. */
function offlineOnly(): Plugin {
  return {
    name: 'xingjian-offline-only',
    apply: 'build',
    enforce: 'post',
    generateBundle(_opts, bundle) {
      const bad: string[] = []
      for (const f of Object.values(bundle)) {
        if (f.type === 'chunk') {
          f.code = f.code.replace(docLink, '')
          for (const m of f.code.match(anyUrl) ?? []) if (!allowedUrl.test(m)) bad.push(`${f.fileName}: ${m}`)
        } else if (typeof f.source === 'string') {
          for (const m of f.source.match(anyUrl) ?? []) if (!allowedUrl.test(m)) bad.push(`${f.fileName}: ${m}`)
        }
      }
      if (bad.length) this.error(`external URLs in the built UI (must work offline):\n${bad.join('\n')}`)
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [vue(), offlineOnly()],
  build: {
    // Relative to this directory (the Vite root).
    outDir: '../internal/webui/dist/app',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/readyz': backend,
    },
  },
})
