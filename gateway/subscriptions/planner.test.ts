import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { VEHICLE_TELEMETRY } from '../../test/live.js';
import { SupergraphPlanner } from './planner.js';

const sdl = readFileSync('schema/supergraph.graphql', 'utf8');

describe('SupergraphPlanner.sharing', () => {
  it("holds the loaded gateway's own schemas and planner, and plans as one built alone", async () => {
    const gateway = new ApolloGateway({ supergraphSdl: sdl });
    await gateway.load();
    try {
      const shared = SupergraphPlanner.sharing(gateway, sdl);
      // Not a second build: the process keeps the supergraph once.
      expect(shared.apiGraphQLSchema).toBe(gateway.schema);
      const alone = new SupergraphPlanner(sdl);
      const document = parse(VEHICLE_TELEMETRY);
      expect(shared.plan(document).plan).toEqual(alone.plan(document).plan);
    } finally {
      await gateway.stop();
    }
  });
});
