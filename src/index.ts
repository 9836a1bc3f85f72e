export * from './mpa-protected-operation';
export * from './mpa-team-association';
export * from './mpa-team-association-change-alarm';
