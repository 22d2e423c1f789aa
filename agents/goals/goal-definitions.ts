import type { GoalDirection } from './goal-math.js';

export const GOAL_CATEGORIES = ['business', 'innovation', 'strategic', 'service_level', 'operations'] as const;
export type GoalCategory = (typeof GOAL_CATEGORIES)[number];

/**
 * Where a goal's current value comes from: a service that has the data (asked through its
 * contract, or told through its events), or MANUAL, an admin's figure, for what no service
 * measures (market share, satisfaction and the like). A measured goal's current value is never
 * typed in: updateGoal refuses it (only its target and deadline can be set).
 */
export const GOAL_SOURCES = ['MANUAL', 'IDENTITY', 'GATEWAY', 'VEHICLES', 'HEALTH', 'PAYMENTS'] as const;
export type GoalSourceValue = (typeof GOAL_SOURCES)[number];

export interface GoalDefinition {
  key: string;
  name: string;
  category: GoalCategory;
  unit: string;
  direction: GoalDirection;
  source: GoalSourceValue;
  startValue: number;
  target: number;
  /** Added to a live count: what exists outside this system (customers of the existing business). */
  offset?: number;
  /** Business objectives run for a year from the first start; service levels have no deadline. */
  yearly: boolean;
}

/** The product brief's objectives, seeded on first start. */
export const GOAL_DEFINITIONS: readonly GoalDefinition[] = [
  {
    key: 'revenue',
    name: 'Revenue',
    category: 'business',
    unit: 'USD/year',
    direction: 'AT_LEAST',
    // The platform's own revenue in the ledger (fees less fees refunded) over the last 365 days,
    // in USD, plus the existing business's revenue outside this system (the offset).
    source: 'PAYMENTS',
    startValue: 2_500_000,
    target: 5_000_000,
    offset: 2_500_000,
    yearly: true,
  },
  {
    key: 'customers',
    name: 'Customers',
    category: 'business',
    unit: 'customers',
    direction: 'AT_LEAST',
    source: 'IDENTITY',
    startValue: 15_000,
    target: 25_000,
    offset: 15_000,
    yearly: true,
  },
  {
    key: 'market_share',
    name: 'Market share',
    category: 'business',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 15,
    target: 25,
    yearly: true,
  },
  {
    key: 'operational_efficiency',
    name: 'Operational efficiency',
    category: 'business',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 80,
    target: 95,
    yearly: true,
  },
  {
    key: 'cost_reduction',
    name: 'Cost reduction',
    category: 'business',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 10,
    target: 25,
    yearly: true,
  },
  {
    key: 'quality_score',
    name: 'Quality score',
    category: 'business',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 95,
    target: 99,
    yearly: true,
  },
  {
    key: 'features_per_year',
    name: 'Features shipped this year',
    category: 'innovation',
    unit: 'features',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 24,
    yearly: true,
  },
  {
    key: 'technology_adoption',
    name: 'Technology adoption',
    category: 'innovation',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 95,
    yearly: true,
  },
  {
    key: 'ai_integration',
    name: 'AI integration',
    category: 'innovation',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 90,
    yearly: true,
  },
  {
    key: 'sustainability',
    name: 'Sustainability',
    category: 'strategic',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 98,
    yearly: true,
  },
  {
    key: 'employee_satisfaction',
    name: 'Employee satisfaction',
    category: 'strategic',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 95,
    yearly: true,
  },
  {
    key: 'customer_retention',
    name: 'Customer retention',
    category: 'strategic',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'MANUAL',
    startValue: 0,
    target: 95,
    yearly: true,
  },
  {
    key: 'uptime',
    name: 'Uptime',
    category: 'service_level',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'GATEWAY',
    startValue: 100,
    target: 99.95,
    yearly: false,
  },
  {
    key: 'p95_latency',
    name: 'p95 response time',
    category: 'service_level',
    unit: 'ms',
    direction: 'AT_MOST',
    source: 'GATEWAY',
    startValue: 0,
    target: 150,
    yearly: false,
  },
  {
    key: 'error_rate',
    name: 'Error rate',
    category: 'service_level',
    unit: '%',
    direction: 'AT_MOST',
    source: 'GATEWAY',
    startValue: 0,
    target: 0.05,
    yearly: false,
  },
  {
    key: 'critical_alerts_open',
    name: 'Open critical vehicle alerts',
    category: 'operations',
    unit: 'alerts',
    direction: 'AT_MOST',
    source: 'HEALTH',
    startValue: 0,
    target: 0,
    yearly: false,
  },
  {
    key: 'vehicles_connected',
    name: 'Vehicles registered',
    category: 'operations',
    unit: 'vehicles',
    direction: 'AT_LEAST',
    source: 'VEHICLES',
    startValue: 0,
    target: 25_000,
    yearly: true,
  },
  {
    key: 'active_devices',
    name: 'Active OBD devices',
    category: 'operations',
    unit: 'devices',
    direction: 'AT_LEAST',
    source: 'VEHICLES',
    startValue: 0,
    target: 25_000,
    yearly: true,
  },
  {
    key: 'alerts_handled',
    name: 'Vehicle alerts handled',
    category: 'operations',
    unit: '%',
    direction: 'AT_LEAST',
    source: 'HEALTH',
    startValue: 100,
    target: 95,
    yearly: false,
  },
];

/** Units whose figures count things: whole and never negative. */
export const COUNT_UNITS: readonly string[] = ['customers', 'vehicles', 'devices', 'alerts', 'features'];
