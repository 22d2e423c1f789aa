import { GraphQLError, getNamedType, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * graphql-js parses a Float literal such as `1e999` to Infinity without complaint, and the
 * federation query planner then throws on it (as an internal error, HTTP 500). Refused here,
 * during validation, a literal beyond the range of a double is a client error like any other.
 * Variables need no rule: JSON's 1e999 is Infinity too, and graphql-js refuses it as a Float.
 */
export function finiteFloatsRule(context: ValidationContext): ASTVisitor {
  const check = (node: { value: string }) => {
    if (getNamedType(context.getInputType())?.name !== 'Float' || Number.isFinite(Number(node.value))) return;
    context.reportError(
      new GraphQLError('Float cannot represent a number beyond the range of a double (about ±1.8e308)', {
        nodes: node as never,
      }),
    );
  };
  return { FloatValue: check, IntValue: check };
}
