export * from './association/mpa-protected-operation';
export * from './association/mpa-team-association';
export * from './association/mpa-team-association-props';
export * from './alarms/mpa-team-association-change-alarm';
export * from './alarms/mpa-approval-team-change-alarm';
export * from './engines/mpa-team-association-engine';
export * from './engines/registry-type/mpa-team-association-type';
