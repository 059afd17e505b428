/**
 * Tenant scope derived from the credential. Every query over tenant data takes one, so a
 * forgotten filter is a type error rather than a leak across organizations.
 */
export interface OrganizationScope {
  readonly organizationId: string;
}
