// Jest loads global setup outside its transform pipeline, so TypeScript goes through tsx here.
require('tsx/cjs');
// A bare `npx jest` has not run `npm run build`: the playground's bundle is built here, once,
// when it is missing or older than its sources (the gateway serves it, the browser test loads it).
module.exports = async () => {
  await Promise.all([
    require('../gateway/playground/bundle.ts').ensurePlaygroundBundle(),
    require('./test-database.ts').setup(),
  ]);
};
