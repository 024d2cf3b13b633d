/**
 * The single source of truth for shapes and rules, imported by the SPA and the server alike.
 * Nothing here touches the DOM, Node, storage or the network.
 */
export * from './ids';
export * from './auth';
export * from './roles';
export * from './consortium';
export * from './project';
export * from './membership';
export * from './access-ends';
export * from './invitation-lifecycle';
export * from './handovers';
export * from './membership-news';
export * from './access-change-words';
export * from './objects';
export * from './documents';
export * from './entries';
export * from './policy';
export * from './sync-protocol';
export * from './invitations';
export * from './bulk-invite';
export * from './csv';
export * from './human-format';
export * from './lookup-table-csv';
export * from './digest-schedule';
export * from './workflows';
export * from './access';
export * from './audit-sentences';
export * from './root-words';
export * from './governance-events';
export * from './offboarding';
export * from './access-reviews';
export * from './embedding';
export * from './identity-provider';
export * from './api-contract';
export * from './outcome';
export * from './zod-issues';
