import type { Severity } from '../../../platform/vocabulary/severity.js';

export interface DtcDescription {
  readonly description: string;
  readonly severity: Severity;
}

/**
 * Common SAE J2012 generic codes. Severity is how urgently a driver should act: CRITICAL means
 * stop driving (engine damage is imminent), HIGH means drivability or safety is at risk (misfire
 * can overheat the catalyst, a lost brake module disables ABS), MEDIUM affects fuel economy or
 * emissions, LOW is a sensor or emissions fault with little immediate effect.
 */
export const DTC_DESCRIPTIONS: Readonly<Record<string, DtcDescription>> = {
  // Air metering
  P0100: { description: 'Mass or volume air flow circuit malfunction', severity: 'MEDIUM' },
  P0101: { description: 'Mass or volume air flow circuit range/performance', severity: 'MEDIUM' },
  P0102: { description: 'Mass or volume air flow circuit low input', severity: 'MEDIUM' },
  P0103: { description: 'Mass or volume air flow circuit high input', severity: 'MEDIUM' },
  P0104: { description: 'Mass or volume air flow circuit intermittent', severity: 'LOW' },
  P0105: { description: 'Manifold absolute pressure/barometric pressure circuit malfunction', severity: 'MEDIUM' },
  P0106: {
    description: 'Manifold absolute pressure/barometric pressure circuit range/performance',
    severity: 'MEDIUM',
  },
  P0107: { description: 'Manifold absolute pressure/barometric pressure circuit low input', severity: 'MEDIUM' },
  P0108: { description: 'Manifold absolute pressure/barometric pressure circuit high input', severity: 'MEDIUM' },
  P0109: { description: 'Manifold absolute pressure/barometric pressure circuit intermittent', severity: 'LOW' },
  P0110: { description: 'Intake air temperature circuit malfunction', severity: 'LOW' },
  P0111: { description: 'Intake air temperature circuit range/performance', severity: 'LOW' },
  P0112: { description: 'Intake air temperature circuit low input', severity: 'LOW' },
  P0113: { description: 'Intake air temperature circuit high input', severity: 'LOW' },
  P0114: { description: 'Intake air temperature circuit intermittent', severity: 'LOW' },
  P0115: { description: 'Engine coolant temperature circuit malfunction', severity: 'MEDIUM' },
  P0116: { description: 'Engine coolant temperature circuit range/performance', severity: 'MEDIUM' },
  P0117: { description: 'Engine coolant temperature circuit low input', severity: 'MEDIUM' },
  P0118: { description: 'Engine coolant temperature circuit high input', severity: 'MEDIUM' },
  P0119: { description: 'Engine coolant temperature circuit intermittent', severity: 'MEDIUM' },
  P0120: { description: 'Throttle position sensor/switch A circuit malfunction', severity: 'HIGH' },
  P0121: { description: 'Throttle position sensor/switch A circuit range/performance', severity: 'HIGH' },
  P0122: { description: 'Throttle position sensor/switch A circuit low input', severity: 'HIGH' },
  P0123: { description: 'Throttle position sensor/switch A circuit high input', severity: 'HIGH' },
  P0125: { description: 'Insufficient coolant temperature for closed loop fuel control', severity: 'LOW' },
  P0128: { description: 'Coolant thermostat (coolant temperature below regulating temperature)', severity: 'LOW' },
  // Oxygen sensors
  P0130: { description: 'O2 sensor circuit malfunction (bank 1 sensor 1)', severity: 'MEDIUM' },
  P0131: { description: 'O2 sensor circuit low voltage (bank 1 sensor 1)', severity: 'MEDIUM' },
  P0132: { description: 'O2 sensor circuit high voltage (bank 1 sensor 1)', severity: 'MEDIUM' },
  P0133: { description: 'O2 sensor circuit slow response (bank 1 sensor 1)', severity: 'LOW' },
  P0134: { description: 'O2 sensor circuit no activity detected (bank 1 sensor 1)', severity: 'MEDIUM' },
  P0135: { description: 'O2 sensor heater circuit malfunction (bank 1 sensor 1)', severity: 'LOW' },
  P0136: { description: 'O2 sensor circuit malfunction (bank 1 sensor 2)', severity: 'LOW' },
  P0137: { description: 'O2 sensor circuit low voltage (bank 1 sensor 2)', severity: 'LOW' },
  P0138: { description: 'O2 sensor circuit high voltage (bank 1 sensor 2)', severity: 'LOW' },
  P0139: { description: 'O2 sensor circuit slow response (bank 1 sensor 2)', severity: 'LOW' },
  P0140: { description: 'O2 sensor circuit no activity detected (bank 1 sensor 2)', severity: 'LOW' },
  P0141: { description: 'O2 sensor heater circuit malfunction (bank 1 sensor 2)', severity: 'LOW' },
  // Fuel trim
  P0171: { description: 'System too lean (bank 1)', severity: 'MEDIUM' },
  P0172: { description: 'System too rich (bank 1)', severity: 'MEDIUM' },
  P0174: { description: 'System too lean (bank 2)', severity: 'MEDIUM' },
  P0175: { description: 'System too rich (bank 2)', severity: 'MEDIUM' },
  // Engine protection and fuel delivery
  P0217: { description: 'Engine over temperature condition', severity: 'CRITICAL' },
  P0218: { description: 'Transmission fluid over temperature condition', severity: 'HIGH' },
  P0219: { description: 'Engine overspeed condition', severity: 'HIGH' },
  P0230: { description: 'Fuel pump primary circuit malfunction', severity: 'HIGH' },
  // Misfire: unburnt fuel overheats and destroys the catalyst, so these are urgent
  P0300: { description: 'Random/multiple cylinder misfire detected', severity: 'HIGH' },
  P0301: { description: 'Cylinder 1 misfire detected', severity: 'HIGH' },
  P0302: { description: 'Cylinder 2 misfire detected', severity: 'HIGH' },
  P0303: { description: 'Cylinder 3 misfire detected', severity: 'HIGH' },
  P0304: { description: 'Cylinder 4 misfire detected', severity: 'HIGH' },
  P0305: { description: 'Cylinder 5 misfire detected', severity: 'HIGH' },
  P0306: { description: 'Cylinder 6 misfire detected', severity: 'HIGH' },
  P0307: { description: 'Cylinder 7 misfire detected', severity: 'HIGH' },
  P0308: { description: 'Cylinder 8 misfire detected', severity: 'HIGH' },
  // Ignition and engine position
  P0320: { description: 'Ignition/distributor engine speed input circuit malfunction', severity: 'HIGH' },
  P0325: { description: 'Knock sensor 1 circuit malfunction (bank 1 or single sensor)', severity: 'MEDIUM' },
  P0326: { description: 'Knock sensor 1 circuit range/performance (bank 1 or single sensor)', severity: 'MEDIUM' },
  P0327: { description: 'Knock sensor 1 circuit low input (bank 1 or single sensor)', severity: 'MEDIUM' },
  P0328: { description: 'Knock sensor 1 circuit high input (bank 1 or single sensor)', severity: 'MEDIUM' },
  P0330: { description: 'Knock sensor 2 circuit malfunction (bank 2)', severity: 'MEDIUM' },
  P0335: { description: 'Crankshaft position sensor A circuit malfunction', severity: 'HIGH' },
  P0336: { description: 'Crankshaft position sensor A circuit range/performance', severity: 'HIGH' },
  P0340: { description: 'Camshaft position sensor circuit malfunction', severity: 'HIGH' },
  // Auxiliary emission controls
  P0400: { description: 'Exhaust gas recirculation flow malfunction', severity: 'MEDIUM' },
  P0401: { description: 'Exhaust gas recirculation flow insufficient detected', severity: 'MEDIUM' },
  P0402: { description: 'Exhaust gas recirculation flow excessive detected', severity: 'MEDIUM' },
  P0403: { description: 'Exhaust gas recirculation circuit malfunction', severity: 'MEDIUM' },
  P0404: { description: 'Exhaust gas recirculation circuit range/performance', severity: 'MEDIUM' },
  P0410: { description: 'Secondary air injection system malfunction', severity: 'LOW' },
  P0411: { description: 'Secondary air injection system incorrect flow detected', severity: 'LOW' },
  P0420: { description: 'Catalyst system efficiency below threshold (bank 1)', severity: 'MEDIUM' },
  P0421: { description: 'Warm up catalyst efficiency below threshold (bank 1)', severity: 'MEDIUM' },
  P0430: { description: 'Catalyst system efficiency below threshold (bank 2)', severity: 'MEDIUM' },
  P0440: { description: 'Evaporative emission control system malfunction', severity: 'LOW' },
  P0441: { description: 'Evaporative emission control system incorrect purge flow', severity: 'LOW' },
  P0442: { description: 'Evaporative emission control system leak detected (small leak)', severity: 'LOW' },
  P0443: {
    description: 'Evaporative emission control system purge control valve circuit malfunction',
    severity: 'LOW',
  },
  P0446: { description: 'Evaporative emission control system vent control circuit malfunction', severity: 'LOW' },
  P0455: { description: 'Evaporative emission control system leak detected (gross leak)', severity: 'LOW' },
  P0456: { description: 'Evaporative emission control system leak detected (very small leak)', severity: 'INFO' },
  // Speed, idle and electrical
  P0500: { description: 'Vehicle speed sensor malfunction', severity: 'MEDIUM' },
  P0505: { description: 'Idle control system malfunction', severity: 'MEDIUM' },
  P0506: { description: 'Idle control system RPM lower than expected', severity: 'LOW' },
  P0507: { description: 'Idle control system RPM higher than expected', severity: 'LOW' },
  P0520: { description: 'Engine oil pressure sensor/switch circuit malfunction', severity: 'HIGH' },
  P0524: { description: 'Engine oil pressure too low', severity: 'CRITICAL' },
  P0562: { description: 'System voltage low', severity: 'MEDIUM' },
  P0563: { description: 'System voltage high', severity: 'MEDIUM' },
  P0600: { description: 'Serial communication link malfunction', severity: 'MEDIUM' },
  P0601: { description: 'Internal control module memory checksum error', severity: 'HIGH' },
  // Transmission
  P0700: { description: 'Transmission control system malfunction', severity: 'MEDIUM' },
  P0715: { description: 'Input/turbine speed sensor circuit malfunction', severity: 'MEDIUM' },
  P0730: { description: 'Incorrect gear ratio', severity: 'HIGH' },
  // Chassis: a failed wheel speed sensor disables ABS and stability control
  C0035: { description: 'Left front wheel speed sensor circuit', severity: 'HIGH' },
  C0040: { description: 'Right front wheel speed sensor circuit', severity: 'HIGH' },
  C0045: { description: 'Left rear wheel speed sensor circuit', severity: 'HIGH' },
  C0050: { description: 'Right rear wheel speed sensor circuit', severity: 'HIGH' },
  // Body: airbag deployment circuits
  B0001: { description: 'Driver frontal stage 1 deployment control', severity: 'HIGH' },
  B0002: { description: 'Driver frontal stage 2 deployment control', severity: 'HIGH' },
  // Network
  U0001: { description: 'High speed CAN communication bus', severity: 'HIGH' },
  U0073: { description: 'Control module communication bus off', severity: 'HIGH' },
  U0100: { description: 'Lost communication with ECM/PCM A', severity: 'HIGH' },
  U0101: { description: 'Lost communication with TCM', severity: 'HIGH' },
  U0121: { description: 'Lost communication with anti-lock brake system (ABS) control module', severity: 'HIGH' },
  U0140: { description: 'Lost communication with body control module', severity: 'MEDIUM' },
  U0155: { description: 'Lost communication with instrument panel cluster (IPC) control module', severity: 'MEDIUM' },
};
