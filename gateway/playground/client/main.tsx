import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';
import { DEFAULT_TABS } from '../default-tabs.js';
import { createPlaygroundFetcher } from './fetcher.js';

const root = document.getElementById('graphiql');
if (!root) throw new Error('the playground page has no #graphiql element');

// Same origin as the page, so the CSP's connect-src 'self' covers both HTTP and WebSocket.
const url = new URL(root.dataset.endpoint ?? '/graphql', window.location.href);
const socketUrl = new URL(url);
socketUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createPlaygroundFetcher(url.href, socketUrl.href);
const plugins = [explorerPlugin()];

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={plugins}
    defaultTabs={DEFAULT_TABS}
    isHeadersEditorEnabled
    defaultEditorToolsVisibility="headers"
    // Tokens stay out of localStorage; queries, variables and tabs are kept there.
    shouldPersistHeaders={false}
  >
    {/* GraphiQL's own logo links out to GitHub; this page stays on the gateway. */}
    <GraphiQL.Logo>Clutch</GraphiQL.Logo>
  </GraphiQL>,
);
