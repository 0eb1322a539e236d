// Reading the API's Status errors through the client contract (code and reason), so the agent
// does not depend on how the client implementation classifies them.
import type { ApiErrorShape } from '../client/types.js';

export function apiCode(err: unknown): number | undefined {
  return typeof (err as ApiErrorShape | undefined)?.code === 'number' ? (err as ApiErrorShape).code : undefined;
}

export function apiReason(err: unknown): string | undefined {
  return typeof (err as ApiErrorShape | undefined)?.reason === 'string' ? (err as ApiErrorShape).reason : undefined;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
