import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU time by process, to tell where a load's time went on a machine where the system, its
 * database and the load generator share the same cores.
 */

/** CPU seconds (user + system) this process has used since `before` (from `process.cpuUsage()`), or so far. */
export function cpuSecondsSince(before?: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}

let ticksPerSecond: number | undefined;
const clockTicks = () =>
  (ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

/**
 * CPU seconds every process on the machine has used so far (all cores, idle and I/O wait left
 * out), from /proc/stat; undefined where there is none. Less what the benchmark's own processes
 * used, it says how much other work skewed the figures.
 */
export function machineBusyCpuSeconds(): number | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  // cpu user nice system idle iowait irq softirq steal ...
  const [, ...fields] = line.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) / clockTicks();
}

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
  let ticks = 0;
  for (const entry of entries) {
    const fields = statFields(entry);
    // After the name: state, ppid, ... utime is the 12th and stime the 13th.
    if (fields && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clockTicks();
}
