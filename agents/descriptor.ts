import type { SubgraphDescriptor } from '../platform/subgraph/descriptor.js';

export const agentsSubgraph: SubgraphDescriptor<'agents'> = {
  name: 'agents',
  port: 4005,
  buildSchema: async () => (await import('./schema.js')).buildAgentsSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createAgentsSubgraph }, { agentsSettingsFromConfig }] = await Promise.all([
      import('./index.js'),
      import('./settings.js'),
    ]);
    return createAgentsSubgraph({ db, bus, logger, settings: agentsSettingsFromConfig(config, urls.identity, urls) });
  },
};
