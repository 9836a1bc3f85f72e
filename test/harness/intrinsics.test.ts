import { evaluateConditions, references, resolve, type ResolutionContext } from './intrinsics';

const context: ResolutionContext = {
  stackName: 'Payments',
  stackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Payments/guid',
  region: 'eu-west-1',
  accountId: '111111111111',
  parameters: { Team: 'payments-approvers' },
  conditions: { InEurope: true, InAsia: false },
  mappings: { Regions: { 'eu-west-1': { Short: 'euw1' } } },
  ref: id => `${id}-physical`,
  getAtt: (id, attribute) => `${id}.${attribute}-value`,
};

describe('resolve', () => {
  test.each([
    [{ Ref: 'Handler' }, 'Handler-physical'],
    [{ Ref: 'Team' }, 'payments-approvers'],
    [{ Ref: 'AWS::AccountId' }, '111111111111'],
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ Ref: 'AWS::Partition' }, 'aws'],
    [{ Ref: 'AWS::StackName' }, 'Payments'],
    [{ Ref: 'AWS::StackId' }, 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Payments/guid'],
    [{ Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    [{ 'Fn::GetAtt': ['Handler', 'Arn'] }, 'Handler.Arn-value'],
    [{ 'Fn::GetAtt': 'Handler.Arn' }, 'Handler.Arn-value'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'Team' }, 'c']] }, 'a-payments-approvers-c'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:mpa:${AWS::Region}:${AWS::AccountId}:approval-team/${Team}' }, 'arn:aws:mpa:eu-west-1:111111111111:approval-team/payments-approvers'],
    [{ 'Fn::Sub': '${Handler.Arn}/${Handler}' }, 'Handler.Arn-value/Handler-physical'],
    [{ 'Fn::Sub': ['${Local}-${!Literal}', { Local: { Ref: 'Team' } }] }, 'payments-approvers-${Literal}'],
    [{ 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, 'b'],
    [{ 'Fn::If': ['InEurope', 'eu', 'elsewhere'] }, 'eu'],
    [{ 'Fn::If': ['InAsia', 'asia', 'elsewhere'] }, 'elsewhere'],
    [{ 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Short'] }, 'euw1'],
    [{ 'Fn::Base64': 'hi' }, 'aGk='],
  ])('%j resolves to %j', (value, expected) => {
    expect(resolve(value, context)).toEqual(expected);
  });

  test('nested objects and lists resolve throughout; AWS::NoValue removes the property', () => {
    expect(resolve({ A: [{ Ref: 'Team' }, { Ref: 'AWS::NoValue' }], B: { C: { Ref: 'AWS::NoValue' }, D: 1 } }, context))
      .toEqual({ A: ['payments-approvers'], B: { D: 1 } });
  });

  test('an intrinsic the simulator does not know is an error naming it and where it is', () => {
    expect(() => resolve({ X: { 'Fn::ImportValue': 'Shared' } }, context)).toThrow('$.X (Fn::ImportValue): the stack simulator does not resolve Fn::ImportValue');
  });
});

test('references: the logical ids a value depends on, through Ref, Fn::GetAtt and Fn::Sub (not pseudo parameters or literals)', () => {
  expect([...references({ a: { Ref: 'Role' }, b: { 'Fn::GetAtt': ['Fn', 'Arn'] }, c: { 'Fn::Sub': '${Queue.Arn} ${AWS::Region} ${!Not} ${Topic}' } })].sort())
    .toEqual(['Fn', 'Queue', 'Role', 'Topic']);
});

test('evaluateConditions: conditions that refer to conditions and to pseudo parameters', () => {
  const { conditions: _ignored, ...base } = context;
  expect(evaluateConditions({
    Resources: {},
    Conditions: {
      IsIreland: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
      NotIreland: { 'Fn::Not': [{ Condition: 'IsIreland' }] },
      Either: { 'Fn::Or': [{ Condition: 'IsIreland' }, { Condition: 'NotIreland' }] },
      Both: { 'Fn::And': [{ Condition: 'IsIreland' }, { Condition: 'NotIreland' }] },
    },
  }, base)).toEqual({ IsIreland: true, NotIreland: false, Either: true, Both: false });
});
