/**
 * The policy engine: pure and synchronous, shared by the UI (to explain) and the server (to
 * enforce). See docs/policy.md for the matrix and the rules.
 */
export * from './decision';
export * from './matrix';
export * from './facts';
export * from './membership-rules';
export * from './handover-rules';
export * from './changes';
export * from './subscription-recipients';
export * from './access-preview';
export * from './invariants';
export * from './values';
