import type { RegistryHandlerRequest } from '../../../lambda/registry-type/registry-events';
import { callbackContextOf, carriedOperation, modelOf, planRegistryCall, resourceOf } from '../../../lambda/registry-type/registry-request';
import { ACTION, RESOURCE, STACK, T0, TEAM_A, TEAM_B } from '../../fixtures/change-views';

/** How the registry type's front end reads CloudFormation's handler request: the change, what travels between calls, the model. */
const ID = `/cdk-mpa-team-association/${ACTION}/payments/5e1b7a30-1111-2222-3333-444455556666/RootCaApproval`;

function event(overrides: Partial<RegistryHandlerRequest> = {}, properties: Record<string, unknown> = { MpaTeamArn: TEAM_A })
  : RegistryHandlerRequest {
  return {
    action: 'CREATE',
    stackId: STACK,
    callbackContext: null,
    ...overrides,
    requestData: { logicalResourceId: RESOURCE.logicalId, resourceProperties: properties, ...overrides.requestData },
  };
}

const plan = (e: RegistryHandlerRequest) => planRegistryCall(e, T0, () => 'change-1');

describe('what travels between calls', () => {
  test('the operation\'s change id, start and deadline, written once and read back on every callback', () => {
    const carried = { changeId: 'change-1', startedAt: T0 };
    expect(carriedOperation(callbackContextOf(carried))).toEqual(carried);
    expect(carriedOperation(callbackContextOf({ ...carried, deadline: T0 + 5 }))).toEqual({ ...carried, deadline: T0 + 5 });
    expect(carriedOperation({ mpaChange: { ...carried, deadline: 'later' } })).toEqual(carried);
  });

  test.each([
    ['absent', undefined], ['null', null], ['empty', {}], ['another handler\'s', { stage: 'WAIT' }],
    ['without a start', { mpaChange: { changeId: 'x' } }], ['with an empty id', { mpaChange: { changeId: '', startedAt: T0 } }],
    ['with a start that is not a number', { mpaChange: { changeId: 'x', startedAt: '1' } }],
  ])('a callbackContext %s starts a new operation', (_, context) => {
    expect(carriedOperation(context as Record<string, unknown> | null | undefined)).toBeUndefined();
  });
});

describe('which resource', () => {
  test('its stack and logical id', () => {
    expect(resourceOf(event())).toEqual(RESOURCE);
  });

  test('no stackId (Cloud Control API, contract tests) or no logical id: refused, saying why', () => {
    expect(resourceOf(event({ stackId: undefined }))).toContain('serves CloudFormation stacks only');
    expect(resourceOf(event({ requestData: { logicalResourceId: undefined } }))).toContain('no logicalResourceId');
    expect(plan(event({ stackId: undefined }))).toMatchObject({ kind: 'refuse', errorCode: 'InvalidRequest' });
  });
});

describe('a CREATE', () => {
  test('the first call makes a change: its id, its start, its deadline a day on by default; the model names the record', () => {
    const planned = plan(event({}, { MpaTeamArn: TEAM_A, RequesterComment: 'secret-ish', PollIntervalSeconds: '30' }));
    expect(planned).toEqual({
      kind: 'change',
      carried: { changeId: 'change-1', startedAt: T0, deadline: T0 + 86_400_000 },
      request: {
        requestId: 'change-1',
        type: 'Create',
        resource: RESOURCE,
        startedAt: T0,
        action: ACTION,
        team: TEAM_A,
        requesterComment: 'secret-ish',
        reportApprovalProgress: true,
        approvalTimeoutMs: 86_400_000,
        deadline: T0 + 86_400_000,
      },
      model: { MpaTeamArn: TEAM_A, PollIntervalSeconds: '30', Id: ID },
      pollIntervalSeconds: 30,
    });
  });

  test('a callback carries the change on: same id, start and deadline, whatever the time now or the properties say', () => {
    const later = planRegistryCall(event({ callbackContext: callbackContextOf({ changeId: 'first', startedAt: T0 - 5000 }) }), T0, () => 'never');
    expect(later).toMatchObject({ kind: 'change', request: { requestId: 'first', startedAt: T0 - 5000, deadline: T0 - 5000 + 86_400_000 } });
    const fixed = callbackContextOf({ changeId: 'first', startedAt: T0 - 5000, deadline: T0 + 60_000 });
    expect(plan(event({ callbackContext: fixed }, { MpaTeamArn: TEAM_A, ApprovalTimeoutSeconds: 600 })))
      .toMatchObject({ request: { deadline: T0 + 60_000 }, carried: { deadline: T0 + 60_000 } });
    expect(plan(event({ action: 'DELETE', callbackContext: fixed }, { MpaTeamArn: TEAM_A }))).toMatchObject({ request: { deadline: T0 + 60_000 } });
  });

  test('a property that breaks a rule is refused with InvalidRequest naming it', () => {
    expect(plan(event({}, { MpaTeamArn: 'not-an-arn' }))).toMatchObject({ kind: 'refuse', errorCode: 'InvalidRequest', message: expect.stringMatching(/^Invalid resource property MpaTeamArn/) });
    expect(plan(event({}, { MpaTeamArn: TEAM_A, ApprovalTimeoutSeconds: 86_401 }))).toMatchObject({ kind: 'refuse', message: expect.stringContaining('between 60 and 86400') });
    expect(plan(event({ action: 'PATCH' as any }))).toEqual({ kind: 'refuse', errorCode: 'InvalidRequest', message: 'Unknown action "PATCH".' });
  });
});

describe('an UPDATE', () => {
  test('the old properties tell the team held; another action is refused (Action is create-only)', () => {
    const update = (previous: Record<string, unknown>) => plan(event({ action: 'UPDATE', requestData: { previousResourceProperties: previous } }, { MpaTeamArn: TEAM_B }));
    expect(update({ MpaTeamArn: TEAM_A })).toMatchObject({ kind: 'change', request: { type: 'Update', team: TEAM_B, previousTeam: TEAM_A } });
    expect(update({})).toMatchObject({ kind: 'change', request: { type: 'Update' } });
    expect(update({})).not.toHaveProperty('request.previousTeam');
    expect(update({ Action: 'OTHER_ACTION', MpaTeamArn: TEAM_A })).toEqual({ kind: 'refuse', errorCode: 'NotUpdatable', message: 'Action is create-only: another action is another resource.' });
  });
});

describe('a DELETE', () => {
  test('needs only the action; timing that does not parse falls back to the defaults, never blocking it', () => {
    const planned = plan(event({ action: 'DELETE' }, { Id: ID, MpaTeamArn: TEAM_A, ApprovalTimeoutSeconds: 'soon', ReportApprovalProgress: 'false' }));
    expect(planned).toMatchObject({
      kind: 'change', request: { type: 'Delete', action: ACTION, team: TEAM_A, approvalTimeoutMs: 86_400_000, reportApprovalProgress: true }, pollIntervalSeconds: 10,
    });
    expect(plan(event({ action: 'DELETE' }, { ApprovalTimeoutSeconds: 120, PollIntervalSeconds: 60 })))
      .toMatchObject({ request: { team: '', approvalTimeoutMs: 120_000, deadline: T0 + 120_000 }, pollIntervalSeconds: 60 });
  });
});

test('the model: properties as given without the write-only RequesterComment, the record\'s name as Id, read-only values last', () => {
  expect(modelOf({ MpaTeamArn: TEAM_A, RequesterComment: 'x', Id: 'stale' }, ACTION, RESOURCE, { MpaSessionArn: '' }))
    .toEqual({ MpaTeamArn: TEAM_A, Id: ID, MpaSessionArn: '' });
});
