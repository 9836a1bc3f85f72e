import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { CallBudget } from './call-budget';
import { AssociationFailure, errorMessage, errorName, isTransient } from './service-errors';
import type { ResourceIdentity } from '../core/change-request';
import { actionPath, parseRecord, recordName, serializeRecord, type ManagerRecord } from '../core/ownership-record';

/**
 * The ownership records in SSM Parameter Store (String parameters, standard
 * tier). Every call retries transient errors within the invocation's budget;
 * anything else is a failure that names the parameter, because the lifecycle
 * cannot tell who manages the action without it.
 */
export class OwnershipStore {
  constructor(private readonly client: SSMClient, private readonly budget: CallBudget) {}

  async read(action: string, resource: ResourceIdentity): Promise<ManagerRecord | undefined> {
    const name = recordName(action, resource);
    try {
      const output = await this.budget.run('ssm:GetParameter',
        signal => this.client.send(new GetParameterCommand({ Name: name }), { abortSignal: signal as any }));
      return parseRecord(output.Parameter?.Value);
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return undefined;
      throw storeFailure('read', name, error);
    }
  }

  /** Every resource's record for `action`. */
  async list(action: string): Promise<ManagerRecord[]> {
    const path = actionPath(action);
    const records: ManagerRecord[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const token = nextToken;
        const output = await this.budget.run('ssm:GetParametersByPath', signal => this.client.send(
          new GetParametersByPathCommand({ Path: path, Recursive: true, MaxResults: 10, NextToken: token }), { abortSignal: signal as any }));
        for (const parameter of output.Parameters ?? []) {
          const record = parseRecord(parameter.Value);
          if (record) records.push(record);
        }
        nextToken = output.NextToken;
      } while (nextToken);
    } catch (error) {
      throw storeFailure('list', `${path}/*`, error);
    }
    return records;
  }

  async write(action: string, record: ManagerRecord): Promise<void> {
    const name = recordName(action, record.resource);
    try {
      await this.budget.run('ssm:PutParameter', signal => this.client.send(new PutParameterCommand({
        Name: name,
        Value: serializeRecord(record),
        Type: 'String',
        Tier: 'Standard',
        Overwrite: true,
      }), { abortSignal: signal as any }));
    } catch (error) {
      throw storeFailure('write', name, error);
    }
  }

  /**
   * Changes a record by reading it, applying `change` and writing the result, then
   * reading it back: two copies of one request (CloudFormation delivers at least once)
   * may write at the same moment, and SSM has no conditional write. `change` adds what
   * this copy learned to whatever the record holds (it must be a merge, safe to apply
   * twice), so the write is repeated until a read-back shows nothing left to add.
   * Returns the record as written.
   */
  async update(action: string, resource: ResourceIdentity, change: (current: ManagerRecord | undefined) => ManagerRecord): Promise<ManagerRecord> {
    let current = await this.read(action, resource);
    for (let attempt = 1; ; attempt++) {
      const wanted = change(current);
      await this.write(action, wanted);
      const written = await this.read(action, resource);
      const settled = written !== undefined && sameRecord(change(written), written);
      if (settled || attempt >= MAX_UPDATE_ATTEMPTS) return written ?? wanted;
      current = written;
    }
  }

  async remove(action: string, resource: ResourceIdentity): Promise<void> {
    const name = recordName(action, resource);
    try {
      await this.budget.run('ssm:DeleteParameter',
        signal => this.client.send(new DeleteParameterCommand({ Name: name }), { abortSignal: signal as any }));
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return;
      throw storeFailure('remove', name, error);
    }
  }
}

/** Whether two records say the same (compared in the stored form, which fixes the order of members). */
function sameRecord(a: ManagerRecord, b: ManagerRecord): boolean {
  return JSON.stringify(parseRecord(serializeRecord(a))) === JSON.stringify(parseRecord(serializeRecord(b)));
}

/** Attempts of a read-merge-write before the record is taken as written (each is three SSM calls). */
const MAX_UPDATE_ATTEMPTS = 3;

/** Transient errors stay transient (the poll tries again later); the rest fail the change, naming the parameter. */
export function storeFailure(verb: string, name: string, error: unknown, what = 'the ownership record'): unknown {
  if (isTransient(error)) return error;
  const said = errorMessage(error).replace(/\s+/g, ' ').trim().replace(/\.+$/, '').slice(0, 200);
  return new AssociationFailure(`Could not ${verb} ${what} ${name} in SSM Parameter Store (${errorName(error)}: ${said}), `
    + 'which tells the handler which resource manages the action. Check the handler role\'s ssm permissions on it and, in a VPC, '
    + 'the route to the SSM endpoint, then deploy again.');
}
