import { serviceForRule } from './alert-suggestions.resolver.js';

describe('serviceForRule', () => {
  it("names the service that fixes each of health's rules, and a diagnosis for the rest", () => {
    expect(serviceForRule('oil-life-low')).toBe('OIL_CHANGE');
    expect(serviceForRule('coolant-overheat')).toBe('COOLING');
    expect(serviceForRule('battery-resting-low')).toBe('BATTERY');
    expect(serviceForRule('battery-not-charging')).toBe('BATTERY');
    expect(serviceForRule('ignition-misfire')).toBe('DIAGNOSTICS');
    expect(serviceForRule('critical-dtc')).toBe('DIAGNOSTICS');
    expect(serviceForRule('a-rule-added-later')).toBe('DIAGNOSTICS');
  });
});
