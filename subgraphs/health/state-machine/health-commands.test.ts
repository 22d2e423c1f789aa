import { MAX_COMMAND_VEHICLES, parseHealthCommand } from './health-commands.js';

const at = '2025-06-03T07:00:00.000Z';
const command = (fields: Record<string, unknown> = {}) => ({
  kind: 'recompute',
  vehicleIds: ['veh1', 'veh2'],
  decisionId: 'd1',
  at,
  ...fields,
});

describe('parseHealthCommand', () => {
  it('turns a recompute into one input per vehicle, keyed by decision and vehicle', () => {
    const input = { kind: 'recompute', at: Date.parse(at) };
    expect(parseHealthCommand(command({ vehicleIds: ['veh1', 'veh2', 'veh1'] }))).toEqual([
      { vehicleId: 'veh1', eventKey: 'recompute:d1:veh1', input },
      { vehicleId: 'veh2', eventKey: 'recompute:d1:veh2', input },
    ]);
    const ids = Array.from({ length: MAX_COMMAND_VEHICLES }, (_, i) => `v${i}`);
    expect(parseHealthCommand(command({ vehicleIds: ids }))).toHaveLength(MAX_COMMAND_VEHICLES);
  });

  it.each([
    ['no payload', null],
    ['an unknown kind', command({ kind: 'recalculate' })],
    ['no vehicles', command({ vehicleIds: [] })],
    ['too many vehicles', command({ vehicleIds: Array.from({ length: MAX_COMMAND_VEHICLES + 1 }, (_, i) => `v${i}`) })],
    ['an id that is not a string', command({ vehicleIds: ['veh1', 7] })],
    ['an id with a separator', command({ vehicleIds: ['veh1', 'veh:2'] })],
    ['an operator for an id', command({ vehicleIds: [{ $ne: null }] })],
    ['an empty decision id', command({ decisionId: '' })],
    ['a time that is not ISO', command({ at: 'yesterday' })],
  ])('refuses %s as a whole', (_what, payload) => {
    expect(parseHealthCommand(payload)).toBeNull();
  });
});
