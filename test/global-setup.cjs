// Jest loads global setup outside its transform pipeline, so TypeScript goes through tsx here.
require('tsx/cjs');
module.exports = () => require('./test-database.ts').setup();
