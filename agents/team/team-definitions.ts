import type { TriggerCategory } from '../triggers/categories.js';

export interface MemberDefinition {
  id: string;
  name: string;
  role: string;
  responsibilities: string[];
  /** The trigger categories this member answers; each category has exactly one owner. */
  categories: TriggerCategory[];
}

/** The product brief's five roles. */
export const TEAM: readonly MemberDefinition[] = [
  {
    id: 'lead-developer',
    name: 'Alex Chen',
    role: 'Lead Developer',
    responsibilities: ['code', 'architecture', 'APIs'],
    categories: ['business'],
  },
  {
    id: 'devops-engineer',
    name: 'Priya Raman',
    role: 'DevOps Engineer',
    responsibilities: ['deployment', 'infrastructure', 'scaling'],
    categories: ['errors'],
  },
  {
    id: 'security-expert',
    name: 'Marcus Webb',
    role: 'Security Expert',
    responsibilities: ['audits', 'threats', 'compliance', 'access'],
    categories: ['security'],
  },
  {
    id: 'performance-engineer',
    name: 'Sofia Marquez',
    role: 'Performance Engineer',
    responsibilities: ['latency', 'throughput', 'caching', 'load'],
    categories: ['performance'],
  },
  {
    id: 'database-administrator',
    name: 'Daniel Okafor',
    role: 'Database Administrator',
    responsibilities: ['queries', 'indexes', 'backups', 'integrity'],
    categories: ['time'],
  },
];

export function ownerOf(category: TriggerCategory): MemberDefinition {
  const owner = TEAM.find((m) => m.categories.includes(category));
  if (!owner) throw new Error(`no team member owns the ${category} category`);
  return owner;
}
