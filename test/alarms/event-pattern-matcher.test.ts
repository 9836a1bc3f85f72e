import { matchesPattern } from './event-pattern-matcher';

/*
 * The matcher is checked on the examples of the EventBridge User Guide:
 * - "Content filtering in Amazon EventBridge event patterns",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * - "Comparison operators for use in event patterns in Amazon EventBridge" ($or),
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * - "Arrays in Amazon EventBridge event patterns",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * Where a page gives a pattern without an event, the events are the smallest that the
 * page's sentence describes.
 */

/** The EC2 event of the "Exists matching" example. */
const EC2_PENDING_EVENT = {
  'version': '0',
  'id': '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  'source': 'aws.ec2',
  'account': '123456789012',
  'time': '2015-11-11T21:29:54Z',
  'region': 'us-east-1',
  'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  'detail': { 'instance-id': 'i-abcd1111', 'state': 'pending' },
};

describe('exact values', () => {
  test('match a field equal to one of the listed values', () => {
    expect(matchesPattern({ source: ['aws.ec2', 'aws.fargate'] }, EC2_PENDING_EVENT)).toBe(true);
  });

  test('do not match a field equal to none of them', () => {
    expect(matchesPattern({ source: ['aws.s3'] }, EC2_PENDING_EVENT)).toBe(false);
  });

  test('do not match an event that lacks the field', () => {
    expect(matchesPattern({ detail: { 'c-count': ['5'] } }, EC2_PENDING_EVENT)).toBe(false);
  });

  test('match an array in the event if the intersection is not empty (Arrays page)', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { resources: [event.resources[0]] })).toBe(false);
  });
});

describe('prefix', () => {
  const pattern = { time: [{ prefix: '2017-10-02' }] };

  test('matches a value that starts with the prefix', () => {
    expect(matchesPattern(pattern, { time: '2017-10-02T18:43:48Z' })).toBe(true);
  });

  test('does not match a value that does not', () => {
    expect(matchesPattern(pattern, { time: '2017-10-03T18:43:48Z' })).toBe(false);
  });
});

describe('anything-but', () => {
  test('with a string matches any other value', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesPattern(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'initializing' } })).toBe(false);
  });

  test('with a number matches any other number', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(matchesPattern(pattern, { detail: { 'x-limit': 124 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'x-limit': 123 } })).toBe(false);
  });

  test('with a list of strings matches any value not in it', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesPattern(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'stopped' } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { state: 'overloaded' } })).toBe(false);
  });

  test('with a list of numbers matches any number not in it', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesPattern(pattern, { detail: { 'x-limit': 150 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'x-limit': 200 } })).toBe(false);
  });

  test('with a prefix matches any value that does not start with it', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesPattern(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'initializing' } })).toBe(false);
  });

  test('does not match an event that lacks the field', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesPattern(pattern, { detail: { 'instance-id': 'i-abcd1111' } })).toBe(false);
  });
});

describe('exists', () => {
  test('true matches an event that has the field (the page\'s EC2 event)', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, EC2_PENDING_EVENT)).toBe(true);
  });

  test('true does not match an event without the field (the page\'s second event)', () => {
    const event = {
      'detail-type': ['EC2 Instance State-change Notification'],
      'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      'detail': { 'c-count': { c1: 100 } },
    };
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, event)).toBe(false);
  });

  test('false matches an event without the field', () => {
    const event = {
      'detail-type': ['EC2 Instance State-change Notification'],
      'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      'detail': { state: ['initializing', 'running'] },
    };
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
  });

  test('false also matches a field that is not a leaf node', () => {
    const event = {
      'detail-type': ['EC2 Instance State-change Notification'],
      'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      'detail': { 'state': ['initializing', 'running'], 'c-count': { c1: 100 } },
    };
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
  });

  test('false does not match an event that has the field', () => {
    expect(matchesPattern({ detail: { state: [{ exists: false }] } }, EC2_PENDING_EVENT)).toBe(false);
  });
});

describe('$or', () => {
  // The operators page: Location is "New York", or Day is "Monday".
  const pattern = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };

  test('matches when the first alternative does', () => {
    expect(matchesPattern(pattern, { Location: 'New York', Day: 'Friday' })).toBe(true);
  });

  test('matches when the second alternative does', () => {
    expect(matchesPattern(pattern, { Location: 'Boston', Day: 'Monday' })).toBe(true);
  });

  test('does not match when neither does', () => {
    expect(matchesPattern(pattern, { Location: 'Boston', Day: 'Friday' })).toBe(false);
  });
});

describe('fields are ANDed', () => {
  test('the page\'s combined example matches only when every field matches', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        'state': [{ 'anything-but': 'initializing' }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const event = { time: '2017-10-02T18:43:48Z', detail: { 'state': 'running', 'x-limit': 5 } };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { ...event, time: '2017-10-03T00:00:00Z' })).toBe(false);
    expect(matchesPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 200 } })).toBe(false);
  });
});

describe('operators this matcher does not implement', () => {
  test('throw instead of passing unchecked', () => {
    expect(() => matchesPattern({ detail: { 'c-count': [{ numeric: ['>', 0] }] } }, { detail: { 'c-count': 3 } }))
      .toThrow(/numeric is not implemented/);
  });
});
