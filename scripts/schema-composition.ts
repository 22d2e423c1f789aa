import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SUBGRAPH_SCHEMAS } from '../subgraphs/registry.js';
import { ACCEPTED_COMPOSITION_HINTS } from './accepted-composition-hints.js';
import { composeSupergraph } from './composition-hints.js';

/** File name → content for schema/: one SDL per subgraph and the supergraph. */
export async function composeSchemas(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const services = [];
  for (const { name, build } of SUBGRAPH_SCHEMAS) {
    const sdl = printSubgraphSchema(await build());
    files[`${name}.graphql`] = `${sdl.trim()}\n`;
    // The URL is a placeholder: the gateway routes with the URLs from its configuration.
    services.push({ name, typeDefs: parse(sdl), url: `http://${name}.clutch.internal/graphql` });
  }
  files['supergraph.graphql'] = `${composeSupergraph(services, ACCEPTED_COMPOSITION_HINTS).trim()}\n`;
  return files;
}
