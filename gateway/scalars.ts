import { isScalarType, valueFromASTUntyped, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** The subgraphs' custom scalars (platform/subgraph/build-subgraph-schema.ts), by name. */
const SUBGRAPH_SCALARS: Record<string, GraphQLScalarType> = { DateTime: DateTimeResolver };

/**
 * A supergraph names its custom scalars but not their rules, so the gateway's schema accepts
 * any value for `DateTime` and forwards it; the subgraph then refuses the whole request with
 * HTTP 400, which the gateway can only report as an internal error. Checking inputs with the
 * subgraphs' own parsers refuses a bad value here, as BAD_USER_INPUT (variables) or
 * GRAPHQL_VALIDATION_FAILED (literals), before anything is planned. The value itself is passed
 * on unchanged: subgraphs parse it again, and the gateway forwards what the client sent.
 */
export function checkScalarInputs(schema: GraphQLSchema): void {
  for (const [name, scalar] of Object.entries(SUBGRAPH_SCALARS)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    type.parseValue = (value) => {
      scalar.parseValue(value);
      return value;
    };
    type.parseLiteral = (node, variables) => {
      scalar.parseLiteral(node, variables);
      return valueFromASTUntyped(node, variables);
    };
  }
}
