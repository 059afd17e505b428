/**
 * Tenant scope derived from the credential. Every query over tenant data takes one, so a
 * forgotten filter is a type error rather than a leak across organizations.
 */
export interface OrganizationScope {
  readonly organizationId: string;
}

/**
 * Scope of job reads and writes: a key only ever sees jobs of its own mode (decision e), and a
 * workspace key only those of its workspace. `workspaceId` absent = across the organization.
 */
export interface JobScope extends OrganizationScope {
  readonly mode: 'live' | 'test';
  readonly workspaceId?: string;
  /**
   * Leave out jobs of archived workspaces: signed-in members act in non-archived workspaces
   * only (spec/API.md §2.1), as a workspace key stops working when its workspace is archived.
   */
  readonly activeWorkspacesOnly?: boolean;
}

/** A scope narrowed to one workspace: where jobs are created and listed. */
export interface WorkspaceJobScope extends JobScope {
  readonly workspaceId: string;
}
