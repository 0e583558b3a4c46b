/**
 * The parts of Flowgear's management API (api-flowgear-net-open-api.yaml) this project
 * uses, typed as the document declares them: every field optional except where our code
 * cannot work without it (checked when read, see client.ts).
 */

export interface SiteSummary {
  SiteId: string;
  Name: string;
  MruRank?: number;
}

/** ConnectionProfile: a Site Environment. */
export interface SiteEnvironment {
  ProfileId: string;
  SiteId?: string;
  ProfileName: string;
  Rank?: number;
  IsProductionEnvironment?: boolean;
}

export interface WorkflowDefinition {
  WorkflowId?: string;
  Name: string;
  Description?: string;
  CanRunAlways?: boolean;
  CanRunOnDemand?: boolean;
  Revision?: number;
  DateCreated?: string;
  DateUpdated?: string;
  /** REST binding; empty/absent = not bound (cannot be invoked or permitted). */
  HttpMethod?: string;
  UrlPattern?: string;
}

export interface SiteWorkflow {
  SiteWorkflowId: string;
  SiteId?: string;
  ActivationContext?: number;
  ConnectionProfileName?: string;
  LaunchMethod?: number;
  LiveRevision?: number;
  TestRevision?: number;
  State?: number;
  DateLastRun?: string;
  Workflow: WorkflowDefinition;
}

export const KEY_TYPE_TOKEN = 0;
export const KEY_TYPE_CERTIFICATE = 1;

export interface SiteKey {
  SiteKeyId?: string;
  SiteId?: string;
  Name: string;
  /** 0 Token, 1 Certificate. */
  KeyType: number;
  /** Environment name or ProfileId (the document does not say which; both are accepted). */
  TargetSiteEnvironment?: string;
  IsEnabled?: boolean;
  /** Workflow ids or names (the document does not say which; both are accepted). */
  PermittedWorkflows?: string[];
  MappedWorkflowCount?: number;
  Key?: string;
  KeySecondary?: string;
  DateCreated?: string;
  DateUpdated?: string;
}

export interface LogEntry {
  WorkflowActivityLogId: string;
  ParentWorkflowActivityLogId?: string;
  RootWorkflowActivityLogId?: string;
  WorkflowId?: string;
  NodeName?: string;
  NodeDescription?: string;
  NodeId?: string;
  StartDateTime?: string;
  EndDateTime?: string;
  OutputLabel?: string;
  StatusMessage?: string;
  Sequence?: number;
  Depth?: number;
}

export interface ReceiveUsernameResult {
  /** 0 = accept a password, 1 = redirect (Microsoft Id). */
  Action?: number;
  RedirectUrl?: string;
}

export interface LogSearch {
  workflowId?: string;
  rootLogId?: string;
  parentLogId?: string;
  startDateTime?: string;
  endDateTime?: string;
  errorsOnly?: boolean;
  maxResults?: number;
  sortAsc?: boolean;
}
