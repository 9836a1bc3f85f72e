/**
 * What the demo says before anything happens: that nothing touches AWS, what
 * is simulated (time first) and what is real, the words it uses, and the
 * choices the fake service makes where AWS documents none.
 */
import { ACTION, TEAMS, teamName } from './example-stack';
import { wrap } from './words';

export interface IntroductionFacts {
  /** As the synthesized template hands them to the handler. */
  readonly pollIntervalSeconds: number;
  readonly approvalTimeoutSeconds: number;
  readonly approvers: number;
  readonly threshold: number;
  readonly steps: readonly string[];
  readonly rawLogs: boolean;
}

const WIDTH = 110;

/** The first lines, printed before anything is built. */
export function opening(): string[] {
  return [
    'cdk-mpa-team-association demo. Nothing here touches AWS: no account, no credentials, no network.',
    '',
    ...wrap(`MpaTeamAssociation keeps an approval team associated with a protected AWS Payment Cryptography operation (here ${ACTION}): `
      + 'once it is associated, nobody can run the operation, or remove the protection, without that team\'s approval. '
      + 'This demo deploys, changes and deletes a stack that uses it.', WIDTH, ''),
  ];
}

export function introduction(facts: IntroductionFacts): string[] {
  const poll = `${facts.pollIntervalSeconds} s`;
  const minutes = facts.approvalTimeoutSeconds / 60;
  const item = (text: string) => wrap(`  - ${text}`, WIDTH, '    ');
  const word = (term: string, text: string) => {
    const head = `  ${term.padEnd(16)}  `;
    const [first, ...rest] = wrap(text, WIDTH - head.length, '');
    return [head + first, ...rest.map(line => ' '.repeat(head.length) + line)];
  };
  const paragraph = (text: string) => wrap(text, WIDTH, '');
  return [
    '',
    'Simulated, on this machine:',
    ...item(`time. The stack uses the construct's defaults: the handler checks every ${poll} (pollInterval) and gives up after `
      + `${minutes} minutes (approvalTimeout). Time is simulated, so a ${minutes}-minute wait plays in a few seconds. Every time `
      + 'printed below is simulated (m:ss since its step began), and the steps\' times add up to the total.'),
    ...item('AWS Payment Cryptography, Multi-Party Approval (MPA, the service that runs approvals) and SSM Parameter Store: '
      + `a local fake service on 127.0.0.1 (test/fake/). It also plays the approvers: each team has ${facts.approvers}, `
      + `and ${facts.threshold} approvals approve.`),
    ...item('CloudFormation, Lambda and Step Functions: local stand-ins that deploy the template and run its functions (test/harness/).'),
    '',
    ...paragraph('Real: the construct from src/, synthesized by aws-cdk-lib into a CloudFormation template; the handler (the custom '
      + 'resource\'s Lambda code) as the package ships it (assets/lambda/custom-resource/handler/index.js, built just now); aws-cdk-lib\'s own '
      + 'custom-resource Provider framework, which calls the handler, then calls it again at every check while it waits.'),
    '',
    'Words used below',
    ...word('session', 'one request put to an approval team (an MPA approval session). It ends approved, denied, expired or '
      + 'cancelled; once approved, the change it asked for takes effect by itself.'),
    ...word('check', `one call of the handler by the Provider framework's waiter, every ${poll} while the handler waits.`),
    ...word('ownership record', 'an SSM parameter the handler keeps for the resource: the team it holds and what its latest '
      + 'change asked the service. A rerun or a rollback reads it to know what the attempt before it asked for.'),
    ...word('rolls back', 'when an update fails, CloudFormation gives every resource it changed its previous properties again.'),
    ...word(teamName(TEAMS.a), `short for ${TEAMS.a} (likewise -b and -c); a session is named by the first 8 characters of its id.`),
    '',
    ...paragraph('The service as the fake plays it (AWS leaves these points open; test/fake/README.md lists the alternatives): '
      + 'associating a team where none is associated needs the new team\'s approval; replacing the team needs the approval of '
      + 'the team in place, which protects the operation until the change is approved; removing the team needs its approval.'),
    ...(facts.rawLogs ? ['', ...paragraph('--raw-logs: the handler\'s log lines are printed as it writes them, one JSON object per line, '
      + 'under "handler log".')] : []),
    '',
    'The steps:',
    ...facts.steps.map((title, index) => `  ${index + 1}. ${title}`),
  ];
}
