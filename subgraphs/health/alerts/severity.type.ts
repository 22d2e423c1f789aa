/** The API's one Severity enum, shared with telemetry's DTCs (see platform/graphql/severity.type.ts). */
export { Severity } from '../../../platform/graphql/severity.type.js';
