/**
 * The core takes what it needs from its front end, not from the environment: the
 * poll's budget, the credentials of the call, the role whose sessions it may
 * cancel. The custom resource's front end reads them from the Lambda context and
 * the function's environment; a front end with per-call credentials (a registry
 * type's callerCredentials) passes them, and they, never the environment's, sign
 * every call.
 */
import { systemClock } from '../../../lambda/core/clock';
import { buildPollServices, pollServices } from '../../../lambda/core/poll-services';
import { HANDLER_ENVIRONMENT } from '../../../src/handler-contract';
import { FakeControlPlane } from '../../fake/fake-control-plane';
import { ACTION, RESOURCE } from '../../fixtures/change-views';
import { setEnvironment } from '../../fixtures/process-environment';

const ENVIRONMENT_KEY = 'AKIAENVIRONMENTROLE1';
const CALL_KEY = 'ASIACALLERCREDENTIAL';
let fake: FakeControlPlane;
let restoreEnvironment: () => void;

beforeAll(async () => {
  fake = await FakeControlPlane.start();
  restoreEnvironment = setEnvironment({
    ...fake.environment(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: ENVIRONMENT_KEY,
    AWS_SECRET_ACCESS_KEY: 'environment-secret',
    AWS_SESSION_TOKEN: undefined,
    [HANDLER_ENVIRONMENT.HANDLER_ROLE_ARN]: 'arn:aws:iam::123456789012:role/FromTheEnvironment',
  });
});
afterAll(async () => {
  restoreEnvironment();
  await fake.stop();
});
beforeEach(() => fake.reset());

const keysSeen = () => [...new Set(fake.requests.map(r => r.accessKeyId))];

test('with call credentials, every call (control plane, SSM) is signed with them, never with the environment\'s', async () => {
  const services = buildPollServices({
    clock: systemClock,
    budgetMs: 20_000,
    credentials: { accessKeyId: CALL_KEY, secretAccessKey: 'call-secret', sessionToken: 'call-token' },
    roleArn: 'arn:aws:iam::123456789012:role/TypeExecutionRole',
  });
  await services.controlPlane.get(ACTION);
  await services.store.read(ACTION, RESOURCE);
  expect(keysSeen()).toEqual([CALL_KEY]);
  expect(services.roleArn).toBe('arn:aws:iam::123456789012:role/TypeExecutionRole');
});

test('two calls with different credentials each sign with their own (a registry type gets fresh ones every call)', async () => {
  for (const key of ['ASIAFIRSTCALLKEY0001', 'ASIASECONDCALLKEY002']) {
    await buildPollServices({ clock: systemClock, budgetMs: 20_000, credentials: { accessKeyId: key, secretAccessKey: 's' } }).controlPlane.get(ACTION);
  }
  expect(keysSeen()).toEqual(['ASIAFIRSTCALLKEY0001', 'ASIASECONDCALLKEY002']);
});

test('the custom resource\'s services: the function\'s role from its environment, the Lambda context\'s time less 10 s, at most 60 s', async () => {
  const services = pollServices({ getRemainingTimeInMillis: () => 300_000 }, systemClock);
  await services.controlPlane.get(ACTION);
  expect(keysSeen()).toEqual([ENVIRONMENT_KEY]);
  expect(services.roleArn).toBe('arn:aws:iam::123456789012:role/FromTheEnvironment');
  expect(services.budget.deadline - Date.now()).toBeGreaterThan(59_000);
  expect(services.budget.deadline - Date.now()).toBeLessThanOrEqual(60_000);
  const short = pollServices({ getRemainingTimeInMillis: () => 25_000 }, systemClock);
  expect(short.budget.deadline - Date.now()).toBeLessThanOrEqual(15_000);
  expect(short.budget.deadline - Date.now()).toBeGreaterThan(14_000);
  expect(pollServices({ getRemainingTimeInMillis: () => 5_000 }, systemClock).budget.remainingMs).toBe(0);
});

test('a front end sets the poll\'s budget: what it says, never less than nothing', () => {
  expect(buildPollServices({ clock: { ...systemClock, now: () => 1_000 }, budgetMs: 45_000 }).budget.deadline).toBe(46_000);
  expect(buildPollServices({ clock: { ...systemClock, now: () => 1_000 }, budgetMs: -5 }).budget.deadline).toBe(1_000);
});

test('a front end without a role of its own (a registry type) learns it from STS, with the call\'s credentials, once per poll', async () => {
  const services = buildPollServices({
    clock: systemClock, budgetMs: 20_000, credentials: { accessKeyId: CALL_KEY, secretAccessKey: 'call-secret' }, learnRole: true,
  });
  expect(services.roleArn).toBeUndefined();
  expect(await services.resolveRoleArn!()).toBe(fake.requesterPrincipalArn);
  expect(await services.resolveRoleArn!()).toBe(fake.requesterPrincipalArn);
  expect(fake.requests.map(r => [r.operation, r.accessKeyId])).toEqual([['GetCallerIdentity', CALL_KEY]]);
  expect(buildPollServices({ clock: systemClock, budgetMs: 1_000, roleArn: 'arn:aws:iam::1:role/R', learnRole: true }).resolveRoleArn).toBeUndefined();
  expect(pollServices({ getRemainingTimeInMillis: () => 60_000 }, systemClock).resolveRoleArn).toBeUndefined();
});
