/**
 * The simulation on the real clock, for the cases where real time is the
 * point: the handler then gets no clock in its context and uses the system
 * clock, Lambda's timeout is a real timer, and the fake's delays are real.
 */
import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import type { LambdaContext } from './function-code';
import { moduleCode } from './function-code';
import { FAKE_CREDENTIALS } from './simulation';
import { useSimulation } from './stack-test-environment';
import { GetMpaTeamAssociationCommand, sendMpaCommand } from '../../lambda/aws/payment-cryptography-mpa-commands';
import { systemClock } from '../../lambda/core/clock';

const env = useSimulation({ time: 'real' });

/** A function that reads the association with the system clock's abort signal, `abortAfterMs` from its start. */
function deployReader(name: string, timeoutSeconds: number, abortAfterMs: number | undefined): void {
  env.sim.lambda.createFunction({
    functionName: name,
    timeoutSeconds,
    code: moduleCode(async (_event: unknown, context: LambdaContext) => {
      const client = new PaymentCryptographyClient({
        region: env.sim.region,
        endpoint: env.sim.fake.endpoint,
        maxAttempts: 1,
        credentials: { accessKeyId: FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
      });
      const abortSignal = abortAfterMs === undefined ? undefined : systemClock.abortAt(systemClock.now() + abortAfterMs);
      try {
        await sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE' }), { abortSignal });
        return { handedClock: context.clock !== undefined, outcome: 'answered' };
      } catch (error) {
        return { handedClock: context.clock !== undefined, outcome: (error as Error).name };
      } finally {
        client.destroy();
      }
    }, 'reader'),
  });
}

test('the system clock\'s abort signal stops a call the fake answers too slowly, before a short Lambda timeout', async () => {
  env.sim.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'slow', delayMs: 3_000, times: 1 });
  deployReader('aborting-reader', 2, 300);
  const realStart = Date.now();
  const result = await env.sim.lambda.invoke({ FunctionName: 'aborting-reader', Payload: '{}' });
  expect(JSON.parse(Buffer.from(result.Payload!).toString())).toEqual({ handedClock: false, outcome: 'AbortError' });
  expect(Date.now() - realStart).toBeLessThan(2_500);
});

test('without it, Lambda\'s timeout ends the invocation in real time', async () => {
  env.sim.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'slow', delayMs: 3_000, times: 1 });
  deployReader('waiting-reader', 1, undefined);
  const realStart = Date.now();
  const result = await env.sim.lambda.invoke({ FunctionName: 'waiting-reader', Payload: '{}' });
  expect(result.FunctionError).toBe('Unhandled');
  expect(JSON.parse(Buffer.from(result.Payload!).toString()).errorType).toBe('Sandbox.Timedout');
  expect(Date.now() - realStart).toBeGreaterThanOrEqual(950);
  expect(Date.now() - realStart).toBeLessThan(2_500);
});
