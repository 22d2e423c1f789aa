// `npm run build`'s second step: the playground's static bundle (see gateway/playground/bundle.ts).
import { buildPlayground } from '../gateway/playground/bundle.js';
import { PLAYGROUND_BUNDLE_DIR } from '../gateway/playground/page.js';

const started = Date.now();
await buildPlayground();
console.error(`playground: built ${PLAYGROUND_BUNDLE_DIR} in ${Date.now() - started} ms`);
