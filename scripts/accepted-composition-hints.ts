import type { AcceptedHint } from './composition-hints.js';

/**
 * Composition hints the supergraph is allowed to carry, each with its reason. Empty is the goal:
 * a hint usually means two subgraphs named different things alike (RiskLevel was once agents'
 * LOW/MEDIUM/HIGH and health's LOW/MODERATE/HIGH merged into one four-value enum).
 */
export const ACCEPTED_COMPOSITION_HINTS: readonly AcceptedHint[] = [];
