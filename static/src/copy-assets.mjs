// Copies what the pages need from govuk-frontend's dist into static/build/.
// Fonts are left out on purpose: the Sass build uses Arial.
import { cp, mkdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const dist = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const build = join(root, 'static', 'build')

await mkdir(build, { recursive: true })

// Start the assets folder afresh so files dropped upstream do not linger.
await rm(join(build, 'assets'), { recursive: true, force: true })
await cp(join(dist, 'assets', 'images'), join(build, 'assets', 'images'), {
  recursive: true
})
await cp(join(dist, 'assets', 'manifest.json'), join(build, 'assets', 'manifest.json'))

for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  await cp(join(dist, name), join(build, name))
}
for (const name of ['dowimm.js', 'session-timeout.js']) {
  await cp(join(root, 'static', 'src', name), join(build, name))
}
