export * from './mpa-protected-operation';
export * from './mpa-team-association';
export * from './mpa-team-association-change-alarm';
export * from './mpa-approval-team-change-alarm';
export * from './mpa-team-association-engine';
export * from './mpa-team-association-type';
