import { MODE01_PIDS } from '../obd/pids.js';
import { isSingleValued, physicalRange, pidDefinition, seriesKey } from './series.js';

describe('PID series', () => {
  it('finds a PID by its two uppercase hex digits only', () => {
    expect(pidDefinition('0C')?.name).toBe('Engine speed');
    expect(pidDefinition('0c')).toBeUndefined();
    expect(pidDefinition('FF')).toBeUndefined();
    expect(pidDefinition('0C0')).toBeUndefined();
  });

  it('gives each PID the physical range its bytes can encode (00.. to FF..)', () => {
    expect(physicalRange(MODE01_PIDS.get(0x0c)!)).toEqual({ min: 0, max: 16383.75 });
    expect(physicalRange(MODE01_PIDS.get(0x05)!)).toEqual({ min: -40, max: 215 });
    expect(physicalRange(MODE01_PIDS.get(0x06)!)).toEqual({ min: -100, max: 99.21875 });
    expect(physicalRange(MODE01_PIDS.get(0x0d)!)).toEqual({ min: 0, max: 255 });
    expect(physicalRange(MODE01_PIDS.get(0x42)!)).toEqual({ min: 0, max: 65.535 });
  });

  it('treats monitor status (PID 01) as the only multi-valued PID', () => {
    const multi = [...MODE01_PIDS.values()].filter((d) => !isSingleValued(d)).map((d) => d.pid);
    expect(multi).toEqual([0x01]);
  });

  it('keys a PID by itself, and the named values of PID 01 by name, with field-safe characters', () => {
    expect(seriesKey('0C', 'Engine speed')).toBe('p0C');
    expect(seriesKey('01', 'Malfunction indicator lamp')).toBe('p01_malfunction_indicator_lamp');
    expect(seriesKey('01', 'EGR/VVT system monitor complete')).toBe('p01_egr_vvt_system_monitor_complete');
    expect(seriesKey('01', 'a.b$c')).not.toMatch(/[.$]/);
  });
});
