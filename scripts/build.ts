/**
 * `npm run build`: the production build.
 *
 * - build/: the SPA without the developer pages (DEVELOPER_PAGES=false, vite.config.ts), each file
 *   beside its brotli and gzip copies;
 * - dist/server/: the server compiled to JavaScript (main.js, and cli/admin.js for the admin
 *   command), which Node runs with the production dependencies only.
 *
 * Run it with `npm ci --omit=dev && NODE_ENV=production node dist/server/main.js` from this
 * directory (docs/operations.md).
 */
import { buildServer } from './build/server-bundle';
import { buildSpa } from './build/spa';

const SERVER_DIR = 'dist/server';

console.log('Building the SPA (production: no developer pages) into build/ ...');
if (!buildSpa({ developerPages: false })) process.exit(1);
console.log(`Compiling the server into ${SERVER_DIR}/ ...`);
await buildServer(SERVER_DIR);
console.log(`Built. Run it with: node ${SERVER_DIR}/main.js (see docs/operations.md)`);
