import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU time by process, to tell where a load's time went on a machine where the system, its
 * database and the load generator share the same cores.
 */

/** CPU seconds (user + system) this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

let ticksPerSecond: number | undefined;

/** Fields after the command name of /proc/<pid>/stat (the name itself may hold spaces). */
function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * CPU seconds used so far by the children of `pid` (the database server under its watchdog),
 * from /proc; undefined where there is no /proc.
 */
export function childrenCpuSeconds(pid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let ticks = 0;
  for (const entry of entries) {
    const fields = statFields(entry);
    // After the name: state, ppid, ... utime is the 12th and stime the 13th.
    if (fields && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}
