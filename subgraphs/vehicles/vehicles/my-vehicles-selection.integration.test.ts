import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from 'graphql';
import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import type { Subgraph } from '../../../platform/subgraph/serve-subgraph.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { subgraphExecution } from '../../../test/subgraph-execution.js';
import { createVehiclesSubgraph } from '../index.js';
import type { AccountDirectory } from '../provisioning/accounts.js';
import { computeCheckDigit } from '../vin/vin.js';

const vinFor = (n: number) => {
  const draft = `1HGCM8260${'3A'}${String(n).padStart(6, '0')}`;
  return draft.slice(0, 8) + computeCheckDigit(draft) + draft.slice(9);
};
const OWNER: Viewer = { kind: 'user', userId: new ObjectId().toHexString(), roles: ['CUSTOMER'] };

let subgraph: Subgraph;
const bus = new InProcessEventBus();
const db = useScratchDatabase('my_vehicles_selection', {
  beforeDrop: async () => {
    await subgraph.stop?.();
    await bus.close();
  },
});
const { run } = subgraphExecution(() => subgraph, pino({ level: 'silent' }));

beforeAll(async () => {
  subgraph = await createVehiclesSubgraph({
    db: db(),
    bus,
    logger: pino({ level: 'silent' }),
    accounts: {} as AccountDirectory,
  });
  for (const [n, input] of [
    [1, { make: 'Honda', model: 'Accord', nickname: 'Daily' }],
    [2, { model: 'Civic' }],
  ] as const) {
    const added = await run(OWNER, 'mutation ($input: AddVehicleInput!) { addVehicle(input: $input) { id } }', {
      input: { vin: vinFor(n), ...input },
    });
    expect(added.errors).toBeUndefined();
  }
});

/** Every field of Vehicle as the schema has it now, objects with their leaf fields: new fields are covered too. */
function everyField(): Record<string, string> {
  const vehicle = subgraph.schema.getType('Vehicle') as GraphQLObjectType;
  const selections: Record<string, string> = {};
  for (const field of Object.values(vehicle.getFields())) {
    if (field.args.some((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined)) continue;
    const type = getNamedType(field.type);
    if (isLeafType(type)) selections[field.name] = field.name;
    else if (isObjectType(type)) {
      const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && !f.args.length);
      selections[field.name] = `${field.name} { ${leaves.map((f) => f.name).join(' ')} }`;
    }
  }
  return selections;
}

describe('myVehicles reads what the selection needs', () => {
  it('answers every field, alone or together, through fragments and aliases, as a whole-document read does', async () => {
    const fields = everyField();
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['id', 'vin', 'owner', 'vinInfo', 'devices']));
    const whole = await run(OWNER, `{ myVehicles { ${Object.values(fields).join(' ')} } }`);
    expect(whole.errors).toBeUndefined();
    expect(whole.data!.myVehicles).toHaveLength(2);
    expect(whole.data!.myVehicles[0]).toMatchObject({ make: 'Honda', model: 'Accord', nickname: 'Daily' });

    const pick = (names: string[]) =>
      whole.data!.myVehicles.map((v: Record<string, unknown>) => Object.fromEntries(names.map((n) => [n, v[n]])));
    for (const name of Object.keys(fields)) {
      const alone = await run(OWNER, `{ myVehicles { ${fields[name]} } }`);
      expect({ name, result: alone }).toEqual({ name, result: { data: { myVehicles: pick([name]) } } });
    }
    const list = await run(OWNER, '{ myVehicles { id vin make model __typename } }');
    expect(list.data!.myVehicles).toEqual(
      pick(['id', 'vin', 'make', 'model']).map((v: object) => ({ ...v, __typename: 'Vehicle' })),
    );
    const fragments = await run(
      OWNER,
      `{ myVehicles { ... on Vehicle { id } ...Rest label: nickname } }
       fragment Rest on Vehicle { createdAt vinInfo { ${fields.vinInfo!.replace(/^vinInfo \{|\}$/g, '')} } owner { id } }`,
    );
    expect(fragments.errors).toBeUndefined();
    expect(fragments.data!.myVehicles).toEqual(
      whole.data!.myVehicles.map((v: Record<string, unknown>) => ({
        id: v.id,
        createdAt: v.createdAt,
        vinInfo: v.vinInfo,
        owner: { id: (v.owner as { id: string }).id },
        label: v.nickname,
      })),
    );
  });
});
