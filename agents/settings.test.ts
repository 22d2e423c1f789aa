import { loadConfig } from '../platform/config/environment.js';
import { agentsSettingsFromConfig, parseActionList } from './settings.js';

describe('agents settings from the configuration', () => {
  it("has safe defaults with no variables: no providers (the policy decides), the brief's routines", () => {
    const settings = agentsSettingsFromConfig(loadConfig({}), 'http://127.0.0.1:4001/graphql');
    expect(settings).toMatchObject({
      defaultMode: 'ON',
      loopIntervalMs: 60_000,
      leaseMs: 30_000,
      providers: {},
      approvalActions: [],
    });
    expect(settings.routines.map((r) => r.at)).toEqual(['07:00', '19:00']);
  });

  it('configures a provider only with a key, with its base URL and the daily budget', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'sk-1',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      GEMINI_BASE_URL: 'http://127.0.0.1:9/g',
      AI_DAILY_BUDGET_USD: '2.5',
    });
    expect(agentsSettingsFromConfig(config, 'http://x/graphql').providers).toEqual({
      openai: { apiKey: 'sk-1', baseURL: 'http://127.0.0.1:9/v1', dailyBudgetUsd: 2.5 },
    });
  });

  it('refuses an unknown action in the approval list, naming the variable', () => {
    expect(parseActionList(' open_incident, raise_log_level ,open_incident', 'X')).toEqual([
      'open_incident',
      'raise_log_level',
    ]);
    expect(() => parseActionList('open_incident,restart_database', 'AGENTS_APPROVAL_ACTIONS')).toThrow(
      /AGENTS_APPROVAL_ACTIONS: unknown action\(s\) restart_database/,
    );
  });
});
