import { buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { hideSuggestions, withoutSuggestions } from './hide-suggestions.js';

const schema = buildSchema(`
  enum Colour { RED GREEN }
  input Paint { colour: Colour! shade: Int }
  type Query { paint(input: Paint, colour: Colour): String secret: String secretive: String }
`);

const validationMessages = (query: string) => validate(schema, parse(query)).map((e) => e.message);

function variableMessages(query: string, values: Record<string, unknown>) {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  return (getVariableValues(schema, operation.variableDefinitions ?? [], values).errors ?? []).map((e) => e.message);
}

describe('hiding suggestions', () => {
  it('removes every kind of suggestion graphql-js makes, and keeps the rest of the message', () => {
    const messages = [
      ...validationMessages('{ secrte }'), // field
      ...validationMessages('{ paint(colur: RED) }'), // argument
      ...validationMessages('{ paint(colour: RDE) }'), // enum value literal
      ...validationMessages('{ paint(input: { colour: RED, shad: 1 }) }'), // input field literal
      ...validationMessages('query ($p: Pain) { paint(input: $p) }'), // type
      ...variableMessages('query ($c: Colour, $p: Paint) { paint(colour: $c, input: $p) }', {
        c: 'GREN', // enum value variable
        p: { colour: 'RED', shde: 2 }, // input field variable
      }),
    ];
    expect(messages.length).toBeGreaterThanOrEqual(7);
    for (const message of messages) {
      expect(message).toContain('Did you mean');
      const hidden = withoutSuggestions(message);
      // Exactly the suggestion goes: what the client sent and what was wrong with it stay.
      expect(hidden).not.toMatch(/Did you mean|"secret"|"GREEN"|"shade"/);
      expect(message.slice(hidden.length)).toMatch(/^ Did you mean [^?]+\?$/);
      expect(message.startsWith(hidden)).toBe(true);
    }
    expect(
      withoutSuggestions('Cannot query field "secrte" on type "Query". Did you mean "secret" or "secretive"?'),
    ).toBe('Cannot query field "secrte" on type "Query".');
  });

  it('returns the same error when there is nothing to hide', () => {
    const error = { message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } };
    expect(hideSuggestions(error)).toBe(error);
    expect(hideSuggestions({ message: 'Unknown type "Pain". Did you mean "Paint"?' })).toEqual({
      message: 'Unknown type "Pain".',
    });
  });
});
