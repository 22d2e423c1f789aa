import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';

/*
 * Apollo Server installs its cache-control plugin unless told not to. No subgraph schema carries
 * a @cacheControl hint, so its answer is always `cache-control: no-store`; to reach it, the plugin
 * wraps every field resolver of the schema and runs a hook per resolved field of every request
 * (2-5 % of the subgraphs' CPU under bench:gateway --compare). These plugins give the same header
 * without the per-field work. The gateway treats a subgraph's answer as uncacheable either way.
 */

export const UNCACHEABLE = 'no-store';

const noStore: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', UNCACHEABLE);
      },
    };
  },
};

export const uncacheableResponses = (): ApolloServerPlugin[] => [ApolloServerPluginCacheControlDisabled(), noStore];
