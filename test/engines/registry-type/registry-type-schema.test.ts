/**
 * The registry type's schema and CloudFormation CLI settings agree with the contract
 * the handler serves (src/handler-contract.ts): the same limits, a deterministic
 * read-only primary identifier, handlers that may wait a day and a half, and the
 * permissions each handler's calls need.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIMITS, DEFAULTS, REGISTRY_TYPE } from '../../../src/handler-contract';
import { associationOnType } from '../../construct-helpers/registry-engine';

const dir = path.join(__dirname, '..', '..', '..', 'registry-type');
const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schema.json'), 'utf8'));
const rpdk = JSON.parse(fs.readFileSync(path.join(dir, '.rpdk-config'), 'utf8'));

test('the type name, and every property the handler reads or returns, with the contract\'s limits', () => {
  expect(schema.typeName).toBe(REGISTRY_TYPE.TYPE_NAME);
  expect(Object.keys(schema.properties).sort()).toEqual([
    'Action', 'ApprovalTimeoutSeconds', 'AssociatedMpaTeamArn', 'Id', 'MpaSessionArn', 'MpaTeamArn', 'PollIntervalSeconds',
    'ReportApprovalProgress', 'RequesterComment',
  ]);
  expect(schema.properties.MpaTeamArn).toMatchObject({
    minLength: LIMITS.MIN_MPA_TEAM_ARN_LENGTH, maxLength: LIMITS.MAX_MPA_TEAM_ARN_LENGTH, pattern: LIMITS.MPA_TEAM_ARN_PATTERN.source.replace(/\\\//g, '/'),
  });
  expect(schema.properties.Action).toMatchObject({ pattern: LIMITS.ACTION_PATTERN.source, default: DEFAULTS.ACTION });
  expect(schema.properties.RequesterComment.maxLength).toBe(LIMITS.MAX_REQUESTER_COMMENT_LENGTH);
  expect(schema.properties.ApprovalTimeoutSeconds).toMatchObject({
    minimum: LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS,
    maximum: REGISTRY_TYPE.MAX_APPROVAL_TIMEOUT_SECONDS,
    default: REGISTRY_TYPE.DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  });
  expect(schema.properties.PollIntervalSeconds).toMatchObject({
    minimum: LIMITS.MIN_POLL_INTERVAL_SECONDS, maximum: LIMITS.MAX_POLL_INTERVAL_SECONDS, default: DEFAULTS.POLL_INTERVAL_SECONDS,
  });
  expect(schema.required).toEqual(['MpaTeamArn']);
  expect(schema.additionalProperties).toBe(false);
});

test('the primary identifier is the read-only Id (the ownership record\'s name, never a UUID); the comment is write-only; the action create-only', () => {
  expect(schema.primaryIdentifier).toEqual([`/properties/${REGISTRY_TYPE.ID}`]);
  expect(schema.readOnlyProperties).toEqual([`/properties/${REGISTRY_TYPE.ID}`, `/properties/${REGISTRY_TYPE.ASSOCIATED_TEAM_ARN}`, `/properties/${REGISTRY_TYPE.MPA_SESSION_ARN}`]);
  expect(schema.writeOnlyProperties).toEqual(['/properties/RequesterComment']);
  expect(schema.createOnlyProperties).toEqual(['/properties/Action']);
});

test('create, update and delete may wait a day and a half (longer than a session lives); read and list need only what they read', () => {
  for (const op of ['create', 'update', 'delete']) {
    expect(schema.handlers[op].timeoutInMinutes).toBe(REGISTRY_TYPE.HANDLER_TIMEOUT_MINUTES);
    expect(schema.handlers[op].timeoutInMinutes * 60).toBeGreaterThan(REGISTRY_TYPE.MAX_APPROVAL_TIMEOUT_SECONDS);
    expect(schema.handlers[op].permissions).toEqual(expect.arrayContaining([
      'payment-cryptography:AssociateMpaTeam', 'payment-cryptography:DisassociateMpaTeam', 'payment-cryptography:GetMpaTeamAssociation',
      'mpa:StartSession', 'mpa:CancelSession', 'mpa:GetSession', 'ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParametersByPath',
    ]));
  }
  expect(schema.handlers.read.permissions).toEqual(['payment-cryptography:GetMpaTeamAssociation', 'ssm:GetParameter']);
  expect(schema.handlers.list.permissions).toEqual(['ssm:GetParametersByPath']);
});

test('.rpdk-config: a RESOURCE of this type, protocol 2.0.0, a Node.js runtime the registry is known to accept, the bundle\'s handler', () => {
  expect(rpdk).toEqual({
    artifact_type: 'RESOURCE',
    typeName: REGISTRY_TYPE.TYPE_NAME,
    language: 'typescript',
    runtime: 'nodejs20.x',
    entrypoint: 'index.handler',
    testEntrypoint: 'index.handler',
    settings: { protocolVersion: '2.0.0' },
  });
  expect(fs.statSync(path.join(dir, '.rpdk-config')).size).toBeLessThan(10 * 1024);
});

test('what MpaTeamAssociation writes on the registry type is what the schema declares: writable properties, of the schema\'s JSON types', () => {
  const { template } = associationOnType({ requesterComment: 'Managed by the payments pipeline' });
  const [resource] = Object.values(template.findResources(REGISTRY_TYPE.TYPE_NAME)) as any[];
  const jsonType = (value: unknown) => (Number.isInteger(value) ? 'integer' : typeof value);
  const written = Object.entries(resource.Properties as Record<string, unknown>);
  expect(written.map(([key, value]) => [key, jsonType(value)])).toEqual(written.map(([key]) => [key, schema.properties[key]?.type]));
  const readOnly = new Set(schema.readOnlyProperties.map((p: string) => p.replace('/properties/', '')));
  expect(written.filter(([key]) => readOnly.has(key))).toEqual([]);
  for (const required of schema.required) expect(resource.Properties).toHaveProperty(required);
});
