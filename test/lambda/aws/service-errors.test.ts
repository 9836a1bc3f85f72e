import {
  AssociationFailure, errorMessage, errorName, isConflict, isResourceNotFound, isTransient, permanentFailure, reportable, truncate,
} from '../../../lambda/aws/service-errors';

const named = (name: string, extra: object = {}) => Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('which errors are worth waiting out', () => {
  test.each([
    'ThrottlingException', 'InternalServerException', 'ServiceUnavailableException', 'InternalServerError',
    'TimeoutError', 'AbortError', 'BudgetExhaustedError', 'RequestTimeout', 'RequestTimeoutException',
  ])('%s is transient by its name alone (its message says nothing of networks or timeouts)', name => {
    expect(isTransient(named(name, { message: 'the call failed' }))).toBe(true);
  });

  test('a name outside the transient list, with a message that says nothing of networks, is not transient', () => {
    expect(isTransient(named('ConflictException', { message: 'the call failed' }))).toBe(false);
  });

  test.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED'])('a network error %s is transient by its code', code => {
    expect(isTransient(named('Error', { code }))).toBe(true);
  });

  test('an error the SDK marks retryable is transient', () => {
    expect(isTransient(named('SomethingNew', { $retryable: { throttling: false } }))).toBe(true);
  });

  test.each([429, 500, 502, 503, 599])('HTTP %i is transient whatever the name', status => {
    expect(isTransient(named('UnknownError', { $metadata: { httpStatusCode: status } }))).toBe(true);
  });

  test.each([400, 403, 404, 409, 402, 499])('HTTP %i is not, even when the message talks of networks or timeouts', status => {
    expect(isTransient(named('AccessDeniedException', { message: 'NetworkStack-HandlerRole timed out', $metadata: { httpStatusCode: status } }))).toBe(false);
  });

  test('without any status, a message about a dropped connection or a timeout is transient', () => {
    expect(isTransient(new Error('socket hang up'))).toBe(true);
    expect(isTransient(new Error('Request timed out'))).toBe(true);
    expect(isTransient(new Error('read ECONNRESET'))).toBe(true);
    expect(isTransient(new Error('network unreachable'))).toBe(true);
    expect(isTransient(new Error('Connection timeout'))).toBe(true);
    expect(isTransient(new Error('invalid input'))).toBe(false);
  });

  test('a failure the handler decided on is never transient, nor is nothing', () => {
    expect(isTransient(new AssociationFailure('timed out waiting for the network'))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});

describe('reading errors', () => {
  test('name and message, with fallbacks for whatever was thrown', () => {
    expect(errorName(named('ConflictException'))).toBe('ConflictException');
    expect(errorName({})).toBe('Error');
    expect(errorMessage('a plain string')).toBe('a plain string');
    expect(isConflict(named('ConflictException'))).toBe(true);
    expect(isResourceNotFound(named('ResourceNotFoundException'))).toBe(true);
    expect(isConflict(named('ResourceNotFoundException'))).toBe(false);
    expect(isResourceNotFound(named('ConflictException'))).toBe(false);
  });

  test('even a thrown undefined has a name and a message', () => {
    expect(errorName(undefined)).toBe('Error');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('reasons CloudFormation shows', () => {
  test('AccessDenied names the operation, the subject, IAM\'s words, every permission involved and the grant for another account', () => {
    const failure = permanentFailure('AssociateMpaTeam', named('AccessDeniedException', { message: 'not authorized.' }), 'action X and team T');
    expect(failure.message).toBe('AssociateMpaTeam was denied (AccessDeniedException) for action X and team T: the service refused the call '
      + '(IAM said: not authorized). The handler role needs payment-cryptography:AssociateMpaTeam, mpa:StartSession, mpa:CancelSession, '
      + 'mpa:GetApprovalTeam on that approval team and its sessions: for a team of another account or region, call '
      + 'grantHandlerAccessToTeamsOf with its ARN (a permissions boundary or an SCP may deny it too).');
    expect(permanentFailure('DisassociateMpaTeam', named('AccessDeniedException'), 's').message)
      .toContain('payment-cryptography:DisassociateMpaTeam, mpa:StartSession, mpa:CancelSession on');
    expect(permanentFailure('GetMpaTeamAssociation', named('AccessDeniedException'), 's').message)
      .toContain('needs payment-cryptography:GetMpaTeamAssociation on');
  });

  test('AccessDenied on an operation without dependent permissions names only its own', () => {
    expect(permanentFailure('SomeFutureOperation', named('AccessDeniedException'), 's').message)
      .toContain('needs payment-cryptography:SomeFutureOperation on');
  });

  test('Validation and quota errors say what to do; anything else names the error', () => {
    expect(permanentFailure('AssociateMpaTeam', named('ValidationException', { message: 'bad team' }), 's').message)
      .toBe('AssociateMpaTeam was rejected as invalid (ValidationException) for s: the service refused the call (it said: bad team). '
        + 'Fix the value it names, then deploy again.');
    expect(permanentFailure('AssociateMpaTeam', named('ServiceQuotaExceededException', { message: 'too many' }), 's').message)
      .toBe('AssociateMpaTeam exceeded a service quota (ServiceQuotaExceededException) for s: the service refused the call (it said: too many). '
        + 'Raise the quota or free capacity, then deploy again.');
    expect(permanentFailure('AssociateMpaTeam', named('WeirdException', { message: 'odd' }), 's').message)
      .toBe('AssociateMpaTeam failed for s with WeirdException (odd). Deploy again to retry.');
  });

  test('the service\'s words are quoted on one line, without their closing period, and cut at 400 characters', () => {
    const message = permanentFailure('GetMpaTeamAssociation', named('ValidationException', { message: `line one.\n  line two${'x'.repeat(500)}...` }), 's').message;
    const said = /\(it said: (.*)\)\. Fix/.exec(message)![1];
    expect(said).toHaveLength(400);
    expect(said.startsWith('line one. line twox')).toBe(true);
    expect(said.endsWith('...')).toBe(true);
    expect(permanentFailure('GetMpaTeamAssociation', named('ValidationException', { message: 'ends here..' }), 's').message).toContain('(it said: ends here)');
  });

  test('a reason is cut to stay inside CloudFormation\'s 4096-byte response, and kept on one line', () => {
    const failure = new AssociationFailure(`first line\n  second line ${'x'.repeat(3000)}`);
    expect(failure.message).toHaveLength(2000);
    expect(failure.message.endsWith('...')).toBe(true);
    expect(failure.message.startsWith('first line second line')).toBe(true);
    expect(new AssociationFailure('x'.repeat(2000)).message).toBe('x'.repeat(2000));
  });

  test('a failure\'s stack is its message alone: the framework adds stack lines to the reason', () => {
    expect(new AssociationFailure('why').stack).toBe('AssociationFailure: why');
  });

  test('truncate keeps what fits and marks the cut', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abc...');
  });

  test('anything unexpected becomes a one-line failure naming it, with the details in the log', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = new TypeError('Cannot read properties of undefined (reading \'x\')');
    const failure = reportable(error);
    expect(failure).toBeInstanceOf(AssociationFailure);
    expect(failure.message).toBe('Unexpected TypeError in the handler (Cannot read properties of undefined (reading \'x\')); '
      + 'nothing more was changed, and the handler\'s log has its stack. Retry the deployment.');
    expect(JSON.parse(log.mock.calls[0][0])).toEqual({ level: 'error', event: 'unexpected-error', error: 'TypeError', stack: error.stack });
    log.mockRestore();
    const known = new AssociationFailure('known');
    expect(reportable(known)).toBe(known);
  });

  test('an unexpected error\'s message is cut at 300 characters in the reason', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const failure = reportable(new Error(`${'m'.repeat(300)}TAIL`));
    log.mockRestore();
    expect(failure.message).toContain(`in the handler (${'m'.repeat(297)}...); nothing more was changed`);
  });

  test('even a thrown undefined becomes a failure, not a second error', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const failure = reportable(undefined);
    log.mockRestore();
    expect(failure.message).toContain('Unexpected Error in the handler (undefined);');
  });
});
