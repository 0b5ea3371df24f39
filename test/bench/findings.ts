export const FINDINGS = `Not profiled yet.`;
