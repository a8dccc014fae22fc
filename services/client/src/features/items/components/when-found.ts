import { ApiError } from '@/lib/api-client';

/**
 * Runs an action on one item. When the service answers 404 (someone deleted the item, or
 * its owner was deleted, since the list was loaded), `onGone` gets the service's message
 * and the action resolves to null; every other failure is left to the form.
 */
export async function whenFound<T>(action: () => Promise<T>, onGone: (message: string) => void): Promise<T | null> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      onGone(error.message);
      return null;
    }
    throw error;
  }
}
