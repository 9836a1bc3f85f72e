/**
 * MPA approval teams as GetApprovalTeam describes them. A team nobody scripted is
 * ACTIVE with every approver ACCEPTED; setTeam() scripts another state (for example a
 * team created by CloudFormation whose approvers have not all accepted yet), and
 * deleteTeam() makes its ARN unknown.
 */
import { arnErrors, MPA_TEAM_ARN_PATTERN, throwIfInvalid } from './input-validation';
import { ServiceError } from './service-error';

/** MPA's ApprovalTeamStatus; any other string may be scripted to test a lenient reader. */
export type ApprovalTeamStatus = 'ACTIVE' | 'INACTIVE' | 'DELETING' | 'PENDING' | (string & {});
/** MPA's IdentityStatus of an approver (the invitation's state). */
export type ApproverIdentityStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'INVALID';

export interface TeamScript {
  readonly status: ApprovalTeamStatus;
  /** MPA's ApprovalTeamStatusCode, e.g. `PENDING_ACTIVATION`, `FAILED_VALIDATION`. */
  readonly statusCode?: string;
  readonly statusMessage?: string;
  /** @default the fake's numberOfApprovers approvers, all ACCEPTED */
  readonly approvers?: readonly { readonly primaryIdentityId: string; readonly status: ApproverIdentityStatus }[];
}

/** One team as the fake keeps it (times in epoch ms of the fake clock). */
export interface TeamRecord {
  readonly arn: string;
  readonly name: string;
  readonly status: ApprovalTeamStatus;
  readonly statusCode?: string;
  readonly statusMessage?: string;
  readonly approvers: readonly { readonly primaryIdentityId: string; readonly status: ApproverIdentityStatus }[];
  readonly minApprovalsRequired: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** A fixed, plausible creation time for teams nobody scripted, so that answers are stable. */
const UNSCRIPTED_TEAM_CREATED_AT_MS = Date.UTC(2026, 0, 5, 9, 30);

export class ApprovalTeams {
  private readonly scripted = new Map<string, TeamRecord>();
  private readonly deleted = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly defaults: { readonly minApprovalsRequired: number; readonly numberOfApprovers: number },
  ) {}

  set(teamArn: string, script: TeamScript): void {
    requireTeamArn(teamArn);
    const current = this.describe(teamArn) ?? this.fresh(teamArn);
    this.deleted.delete(teamArn);
    this.scripted.set(teamArn, {
      ...current,
      status: script.status,
      statusCode: script.statusCode,
      statusMessage: script.statusMessage,
      approvers: script.approvers ? [...script.approvers] : current.approvers,
      updatedAtMs: this.now(),
    });
  }

  /** ACTIVE again, every approver ACCEPTED (as when the last invitation is accepted). */
  activate(teamArn: string): void {
    requireTeamArn(teamArn);
    const current = this.describe(teamArn) ?? this.fresh(teamArn);
    this.set(teamArn, { status: 'ACTIVE', approvers: current.approvers.map(a => ({ ...a, status: 'ACCEPTED' as const })) });
  }

  delete(teamArn: string): void {
    requireTeamArn(teamArn);
    this.scripted.delete(teamArn);
    this.deleted.add(teamArn);
  }

  /** The team, or undefined once deleted. */
  describe(teamArn: string): TeamRecord | undefined {
    if (this.deleted.has(teamArn)) return undefined;
    return this.scripted.get(teamArn) ?? this.fresh(teamArn);
  }

  /** GetApprovalTeam's lookup: a malformed ARN is a ValidationException, a deleted team a 404. */
  get(teamArn: string): TeamRecord {
    throwIfInvalid(arnErrors(teamArn, 'Arn', MPA_TEAM_ARN_PATTERN));
    const team = this.describe(teamArn);
    if (!team) throw new ServiceError('ResourceNotFoundException', 404, `Approval team ${teamArn} does not exist.`);
    return team;
  }

  /** Why AssociateMpaTeam cannot use the team (inferred: a ValidationException), or undefined. */
  problemAssociating(teamArn: string): string | undefined {
    const team = this.describe(teamArn);
    if (!team) return `Approval team ${teamArn} does not exist.`;
    if (team.status !== 'ACTIVE') return `Approval team ${teamArn} is not ACTIVE (status ${team.status}${team.statusCode ? `, ${team.statusCode}` : ''}).`;
    return undefined;
  }

  reset(): void {
    this.scripted.clear();
    this.deleted.clear();
  }

  private fresh(teamArn: string): TeamRecord {
    return {
      arn: teamArn,
      name: teamArn.slice(teamArn.indexOf('approval-team/') + 'approval-team/'.length),
      status: 'ACTIVE',
      approvers: Array.from({ length: this.defaults.numberOfApprovers }, (_, i) => ({
        primaryIdentityId: `identity-${i + 1}`, status: 'ACCEPTED' as const,
      })),
      minApprovalsRequired: this.defaults.minApprovalsRequired,
      createdAtMs: UNSCRIPTED_TEAM_CREATED_AT_MS,
      updatedAtMs: UNSCRIPTED_TEAM_CREATED_AT_MS,
    };
  }
}

function requireTeamArn(teamArn: string): void {
  if (!MPA_TEAM_ARN_PATTERN.test(teamArn)) throw new Error(`not an approval team ARN: ${teamArn}`);
}
