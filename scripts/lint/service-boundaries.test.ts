import { execFileSync } from 'node:child_process';

interface Source {
  /** Where the file would be: the rule judges an import by who imports it. */
  filePath: string;
  code: string;
}

/**
 * Lints each source as `npm run lint` does: the `ESLint` class with the repository's
 * eslint.config.js. It runs in a child process because jest's module sandbox cannot load the
 * ES-module config. Answers each source's messages as `rule: message`.
 */
function lint(sources: Source[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint();
    const out = [];
    for (const { filePath, code } of JSON.parse(process.argv[1])) {
      const [result] = await eslint.lintText(code, { filePath });
      out.push(result.messages.map((m) => m.ruleId + ': ' + m.message));
    }
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(sources)], {
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

const importing = (filePath: string, source: string): Source => ({
  filePath,
  code: `import { thing } from '${source}';\nexport const used = thing;\n`,
});

describe('clutch/service-boundaries (eslint.config.js)', () => {
  it("refuses another service's internals and accepts its contract, for every service", () => {
    const [internals, contract, gateway, agents, newSubgraph, typeOnly, reexport, dynamic] = lint([
      importing('subgraphs/health/alerts/rules.ts', '../../telemetry/obd/dtc-descriptions.js'),
      importing('subgraphs/health/alerts/rules.ts', '../../telemetry/contract.js'),
      importing('gateway/auth/authenticate.ts', '../../subgraphs/identity/auth/auth.service.js'),
      importing('agents/signals/live-feeds.ts', '../../gateway/metrics-publisher.js'),
      // A subgraph that does not exist yet is covered by its path alone.
      importing('subgraphs/payments/ledger/entry.ts', '../../../agents/settings.js'),
      {
        filePath: 'subgraphs/vehicles/provisioning/accounts.ts',
        code: "import type { UserDocument } from '../../identity/users/user.store.js';\nexport type U = UserDocument;\n",
      },
      {
        filePath: 'agents/index.ts',
        code: "export { HEALTH_ALERTS } from '../subgraphs/health/alerts/alert-events.js';\n",
      },
      {
        filePath: 'gateway/subscriptions/ticker.test.ts',
        code: "export const load = () => import('../../subgraphs/identity/schema.js');\n",
      },
    ]);
    expect(internals).toEqual([
      "clutch/service-boundaries: subgraphs/health may use subgraphs/telemetry only through subgraphs/telemetry/contract.ts, not '../../telemetry/obd/dtc-descriptions.js': publish what is shared in that contract (or in platform/ when it belongs to no service).",
    ]);
    expect(contract).toEqual([]);
    for (const [messages, importer, service] of [
      [gateway, 'gateway', 'subgraphs/identity'],
      [agents, 'agents', 'gateway'],
      [newSubgraph, 'subgraphs/payments', 'agents'],
      [typeOnly, 'subgraphs/vehicles', 'subgraphs/identity'],
      [reexport, 'agents', 'subgraphs/health'],
      [dynamic, 'gateway', 'subgraphs/identity'],
    ] as const) {
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(
        `clutch/service-boundaries: ${importer} may use ${service} only through ${service}/contract.ts`,
      );
    }
  });

  it('lets a service use its own files and platform/, and the composition root, scripts, bench and tests use anything', () => {
    const results = lint([
      importing('subgraphs/marketplace/bookings/booking.service.ts', '../centres/centre.store.js'),
      importing('subgraphs/marketplace/bookings/booking.service.ts', '../../../platform/errors.js'),
      importing(
        'subgraphs/marketplace/bookings/booking.service.integration.test.ts',
        '../../../test/scratch-database.js',
      ),
      importing('agents/signals/alert-feed.ts', '../../subgraphs/health/contract.js'),
      importing('app/system.ts', '../subgraphs/telemetry/ingest/batch.js'),
      importing('subgraphs/registry.ts', './health/descriptor.js'),
      importing('scripts/seed/decisions.ts', '../../agents/decisions/decision.store.js'),
      importing('bench/fleet.ts', '../subgraphs/telemetry/readings/reading.store.js'),
      importing('test/health.e2e.test.ts', '../subgraphs/health/alerts/alert-events.js'),
    ]);
    expect(results).toEqual(results.map(() => []));
  });
});
