export * from './mpa-protected-operation';
export * from './mpa-team-association';
