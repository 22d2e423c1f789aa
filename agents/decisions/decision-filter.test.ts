import { parseDecisionFilter, parseDecisionId } from './decision-filter.js';

describe('decision filters', () => {
  it('keeps only known values', () => {
    expect(
      parseDecisionFilter({
        memberId: 'security-expert',
        status: 'EXECUTED',
        category: 'security',
        from: new Date(1),
        to: new Date(2),
      }),
    ).toEqual({
      memberId: 'security-expert',
      status: 'EXECUTED',
      category: 'security',
      from: new Date(1),
      to: new Date(2),
    });
    expect(parseDecisionFilter(undefined)).toEqual({});
  });
  it.each([
    [{ memberId: { $ne: null } }, 'memberId'],
    [{ category: 'weather' }, 'category'],
    [{ status: 'DONE' }, 'status'],
    [{ from: new Date(2), to: new Date(1) }, 'from'],
  ])('refuses %j naming %s', (filter, field) => {
    expect(() => parseDecisionFilter(filter)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
    );
  });
  it('accepts only 24-hex decision ids', () => {
    expect(parseDecisionId('0123456789abcdef01234567').toHexString()).toBe('0123456789abcdef01234567');
    expect(() => parseDecisionId('{"$gt":""}')).toThrow(/not a decision id/);
  });
});
