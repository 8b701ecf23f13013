// The code level a workflow run was started at, carried in its memo from the start (set by
// whoever starts it: the API, a parent, an activity, continue-as-new). workflows/patches.ts
// takes every patch up to that level without asking patched(), which would record a marker
// and a search attribute upsert in every new run.
export const CODE_LEVEL_MEMO = 'codeLevel';

/** Raised only where every worker that may still run refuses runs above its own level (workflows/patches.ts says why). */
export const CODE_LEVEL = 3;

/** The memo every workflow start and continue-as-new carries. */
export const codeLevelMemo = (): Record<string, unknown> => ({ [CODE_LEVEL_MEMO]: CODE_LEVEL });
