import type { Document, MongoClient } from 'mongodb';
import type { SentCommand } from './commands.js';

/*
 * Why a read is slow, from the database's own explain: on the embedded FerretDB, whether the
 * filter, the sort and the limit reached SQLite, and whether SQLite searched an index or scanned
 * the table (and sorted in a temporary B-tree). On MongoDB, the winning plan's stages.
 */

export interface Verdict {
  /** "search", "scan" or "unknown". */
  access: string;
  summary: string;
}

/** The plan lines of a FerretDB SQLite explain: "SCAN t", "SEARCH t USING INDEX i (...)", ... */
const planLines = (explained: Document): string[] =>
  ((explained.queryPlanner?.Plan as string[] | undefined) ?? []).map((line) => line.replace(/^.*detail=/, ''));

function mongoStages(plan: Document | undefined): string[] {
  if (!plan) return [];
  return [String(plan.stage), ...mongoStages(plan.inputStage)];
}

export async function explainCommand(client: MongoClient, sent: SentCommand): Promise<Verdict> {
  if (sent.name !== 'find') return { access: 'unknown', summary: `${sent.name}: not explained` };
  let explained: Document;
  try {
    explained = await client.db(sent.database).command({ explain: sent.command, verbosity: 'queryPlanner' });
  } catch (error) {
    return { access: 'unknown', summary: `explain failed: ${(error as Error).message}` };
  }
  const lines = planLines(explained);
  if (lines.length > 0) {
    const scans = lines.filter((l) => /^SCAN \w+$/.test(l) && !l.includes('subquery'));
    const searches = lines.filter((l) => l.startsWith('SEARCH'));
    const tempSort = lines.some((l) => l.includes('TEMP B-TREE'));
    const pushed = `filter ${explained.filterPushdown ? 'pushed' : 'NOT pushed'}, sort ${
      explained.sortPushdown ? 'pushed' : 'NOT pushed'
    }, limit ${explained.limitPushdown ? 'pushed' : 'NOT pushed'}`;
    const access = scans.length > 0 ? 'scan' : searches.length > 0 ? 'search' : 'unknown';
    const how =
      scans.length > 0
        ? `full table scan${tempSort ? ', sorted in a temporary B-tree' : ''}`
        : `${[...new Set(searches.map((s) => s.replace(/ \(.*$/, '')))].join('; ')}${tempSort ? ', temp B-tree sort' : ''}`;
    return { access, summary: `${pushed}; ${how}` };
  }
  const stages = mongoStages(explained.queryPlanner?.winningPlan);
  if (stages.length > 0) {
    return { access: stages.includes('COLLSCAN') ? 'scan' : 'search', summary: stages.join(' <- ') };
  }
  return { access: 'unknown', summary: 'no plan in the explain output' };
}
