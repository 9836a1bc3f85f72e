import { isProvisionalPhysicalResourceId, physicalResourceId, planEvent, provisionalPhysicalResourceId } from '../../../lambda/custom-resource/provider-request';
import { createEvent, deleteEvent, resourceProperties, updateEvent, TEAM_A, TEAM_B, PHYSICAL_ID } from '../../fixtures/cloudformation-events';

const NOW = Date.parse('2026-12-01T10:00:00Z');

describe('physical ids', () => {
  test('name the action, never the team; a Create answers with a provisional id until it completes', () => {
    expect(physicalResourceId('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE')).toBe('mpa-team-association:IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE');
    expect(isProvisionalPhysicalResourceId(provisionalPhysicalResourceId('X'))).toBe(true);
    expect(isProvisionalPhysicalResourceId(physicalResourceId('X'))).toBe(false);
    expect(isProvisionalPhysicalResourceId('something:create-in-progress')).toBe(false);
    expect(isProvisionalPhysicalResourceId(undefined)).toBe(false);
  });
});

describe('planEvent: a CloudFormation event becomes a change request', () => {
  test('Create: the team of the properties, a provisional id, a deadline approvalTimeout away', () => {
    const event = createEvent(resourceProperties({ ApprovalTimeoutSeconds: '600' }));
    const planned = planEvent(event, NOW);
    expect(planned.physicalResourceId).toBe(provisionalPhysicalResourceId('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'));
    expect(planned.request).toMatchObject({
      type: 'Create',
      requestId: event.RequestId,
      team: TEAM_A,
      startedAt: NOW,
      deadline: NOW + 600_000,
      resource: { stackId: event.StackId, logicalId: event.LogicalResourceId },
    });
  });

  test('Update: the same physical id, the old team read from the old properties', () => {
    const planned = planEvent(updateEvent(resourceProperties({ MpaTeamArn: TEAM_B }), resourceProperties()), NOW);
    expect(planned.physicalResourceId).toBe(PHYSICAL_ID);
    expect(planned.request).toMatchObject({ type: 'Update', team: TEAM_B, previousTeam: TEAM_A });
  });

  test('Update whose old properties a newer rule rejects: the old team is still read', () => {
    const planned = planEvent(updateEvent(resourceProperties(), resourceProperties({ ApprovalTimeoutSeconds: '99999' })), NOW);
    expect(planned.request).toMatchObject({ type: 'Update', previousTeam: TEAM_A });
  });

  test('Update to another action: a new association, answered with a new (provisional) physical id', () => {
    const planned = planEvent(updateEvent(resourceProperties({ Action: 'SOME_FUTURE_OPERATION' }), resourceProperties()), NOW);
    expect(planned.physicalResourceId).toBe(provisionalPhysicalResourceId('SOME_FUTURE_OPERATION'));
    expect(planned.request).toMatchObject({ type: 'Create', action: 'SOME_FUTURE_OPERATION' });
  });

  test('Create and Update with a bad property throw before anything is called, naming it', () => {
    expect(() => planEvent(createEvent(resourceProperties({ MpaTeamArn: 'nope' })), NOW)).toThrow(/Invalid resource property MpaTeamArn/);
    expect(() => planEvent(updateEvent(resourceProperties({ PollIntervalSeconds: '0' }), resourceProperties()), NOW)).toThrow(/PollIntervalSeconds/);
  });

  test('Delete keeps its physical id and needs only its action: bad timing properties fall back to the defaults', () => {
    const planned = planEvent(deleteEvent(resourceProperties({ ApprovalTimeoutSeconds: 'soon', MpaTeamArn: 'garbled' })), NOW);
    expect(planned.physicalResourceId).toBe(PHYSICAL_ID);
    expect(planned.request).toMatchObject({ type: 'Delete', action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', approvalTimeoutMs: 1_800_000 });
  });

  test('Delete whose properties name no readable action: nothing to do', () => {
    expect(planEvent(deleteEvent(resourceProperties({ Action: 'not an action' })), NOW)).toEqual({ physicalResourceId: PHYSICAL_ID });
  });
});
