import path from 'node:path';

/**
 * The playground page: GraphiQL from the bundle `npm run build` writes to dist/playground.
 * The page holds no inline script or style, so the CSP can name 'self' alone for both.
 */

/** Where the build writes the bundle (relative to the working directory, like schema/). */
export const PLAYGROUND_BUNDLE_DIR = path.resolve('dist/playground');
export const PLAYGROUND_FILES = ['graphiql.js', 'graphiql.css'] as const;

/**
 * GraphiQL 4 (CodeMirror 5) runs under this as it is: no inline or eval'd script, no inline
 * style (React and CodeMirror set styles through the CSSOM, which CSP allows), no worker.
 * Only data: URLs go beyond 'self', and only for fonts and images: GraphiQL's stylesheet embeds
 * its fonts and CodeMirror's lint icons that way, and the page's empty icon saves a
 * /favicon.ico round trip. WebSockets to the same host are 'self' in CSP 3.
 * (GraphiQL 5 moved to Monaco, which needs style-src 'unsafe-inline' and workers.)
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PlaygroundPageOptions {
  /** Where the gateway serves GraphQL (HTTP and graphql-ws), e.g. `/graphql`. */
  endpoint: string;
  /** Where the bundle's files are served, e.g. `/playground`. */
  assetsPath: string;
}

export function renderPlaygroundPage({ endpoint, assetsPath }: PlaygroundPageOptions): string {
  const assets = escapeHtml(assetsPath.replace(/\/$/, ''));
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Clutch GraphQL playground</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${assets}/graphiql.css" />
    <script defer src="${assets}/graphiql.js"></script>
  </head>
  <body>
    <div id="graphiql" data-endpoint="${escapeHtml(endpoint)}">
      <p class="playground-loading">
        Loading GraphiQL… If this stays, the playground's bundle is missing: run <code>npm run build</code>.
      </p>
    </div>
  </body>
</html>
`;
}
