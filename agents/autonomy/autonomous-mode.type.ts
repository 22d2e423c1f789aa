import { registerEnumType } from 'type-graphql';

export enum AutonomousMode {
  OFF = 'OFF',
  DRY_RUN = 'DRY_RUN',
  ON = 'ON',
}
registerEnumType(AutonomousMode, {
  name: 'AutonomousMode',
  description:
    'OFF: the kill switch, nothing is evaluated or done; DRY_RUN: decisions are proposed, never executed; ON: the team acts within its guardrails',
});
