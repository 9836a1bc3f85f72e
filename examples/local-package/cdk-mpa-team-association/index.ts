export * from '../../../src';
